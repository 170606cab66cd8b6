/**
 * The key of a small value kept with a line (a conversation's button menu): `{<line>}:<name>`.
 * The braces are Redis's hash-tag syntax: a state on Redis keeps such a value in the line's hash
 * slot, next to the line's other keys, so the step that takes the line's turn can read it too.
 */
export function lineValueKey(line: string, name: string): string {
  return `{${line}}:${name}`;
}
