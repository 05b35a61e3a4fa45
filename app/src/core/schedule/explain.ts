export function explainCron(expression: string): string { return expression; }
