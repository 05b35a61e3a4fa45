import t from 'tap';
import { alertDirection, selectChannels, type CandidateChannel, type Direction } from './selection.ts';
import type { StoredStatus } from './status.ts';

t.test('flips announce up or down, except a first ping, a resume, and API flips', async (t) => {
  const cases: Array<[StoredStatus, StoredStatus, Direction | null]> = [
    ['up', 'down', 'down'],
    ['new', 'down', 'down'],
    ['paused', 'down', 'down'],
    ['down', 'up', 'up'],
    ['new', 'up', null],
    ['paused', 'up', null],
    ['up', 'paused', null],
    ['paused', 'new', null],
  ];
  for (const [oldStatus, newStatus, expected] of cases) {
    t.equal(alertDirection({ oldStatus, newStatus }), expected, `${oldStatus}→${newStatus}`);
  }
});

t.test('disabled channels and channels for which the direction is a no-op are left out', async (t) => {
  const channel = (id: string, disabled: boolean, noop: Direction | null): CandidateChannel<string> => ({
    id,
    disabled,
    isNoop: (d) => d === noop,
  });
  const channels = [channel('a', false, null), channel('b', true, null), channel('c', false, 'up'), channel('d', false, 'down')];
  t.same(selectChannels({ oldStatus: 'up', newStatus: 'down' }, channels), ['a', 'c']);
  t.same(selectChannels({ oldStatus: 'down', newStatus: 'up' }, channels), ['a', 'd']);
  t.same(selectChannels({ oldStatus: 'new', newStatus: 'up' }, channels), []);
});
