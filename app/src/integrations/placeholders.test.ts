import t from 'tap';
import { isoSeconds, latin1ForHeader, quoteForUrl, substitute } from './placeholders.ts';

t.test('only placeholders written in the template are replaced, once', async (t) => {
  t.equal(substitute('Hello $FOO', { $FOO: '$BAR', $BAR: 'World' }), 'Hello $BAR');
  t.equal(substitute('Hello $$FOO', { $FOO: 'BAR', $BAR: 'World' }), 'Hello $BAR');
  t.equal(substitute('$NAME_JSON and $NAME', { $NAME: 'n', $NAME_JSON: '"n"' }), '"n" and n');
  t.equal(substitute('no placeholders, $5 off', { $NAME: 'x' }), 'no placeholders, $5 off');
});

t.test('values are quoted for URLs as Python quote() does, keeping slashes', async (t) => {
  t.equal(quoteForUrl("a b/c?d=e&f!'()*$"), "a%20b/c%3Fd%3De%26f%21%27%28%29%2A%24");
  t.equal(quoteForUrl('ā'), '%C4%81');
});

t.test('header values keep latin-1 and reference everything else', async (t) => {
  t.equal(latin1ForHeader('½ bār 😀'), '½ b&#257;r &#128512;');
});

t.test('times are ISO 8601 without fractions, with +00:00', async (t) => {
  t.equal(isoSeconds(new Date('2026-01-15T11:10:00.123Z')), '2026-01-15T11:10:00+00:00');
});
