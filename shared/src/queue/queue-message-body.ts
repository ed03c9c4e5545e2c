/**
 * Characters SQS refuses in a message body (it accepts #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
 * #x10000–#x10FFFF), matched per UTF-16 code unit: the two refused by every SQS (U+FFFE, U+FFFF and the controls)
 * and the surrogates, i.e. every character past U+FFFF, which AWS accepts but the local emulator refuses.
 */
const refusedBySqs = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/g;

/**
 * The JSON text of a queue message that any SQS accepts, whatever the characters in it (a Dashboard description
 * with U+FFFF or an emoji): each character SQS could refuse is written as a JSON `\uXXXX` escape (a pair of them
 * past U+FFFF). `JSON.parse` of the result is the same value as `JSON.parse(JSON.stringify(message))`. Outside
 * strings JSON text is ASCII, so only characters inside strings are escaped, and an escape is never mistaken for text.
 */
export function encodeQueueMessageBody(message: unknown): string {
  return JSON.stringify(message).replace(
    refusedBySqs,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
