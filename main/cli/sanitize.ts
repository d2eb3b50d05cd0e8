// Terminal-safe text: names come from state.json and Hyper-V, and a hostile VM name must not be
// able to move the cursor, clear the screen or reverse the text of a table.

// C0/C1 controls (tab and newline excepted where allowed), DEL, and bidirectional overrides.
const UNSAFE_INLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_MULTILINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function safeInline(text: string): string {
  return text.replace(UNSAFE_INLINE, '?');
}

export function safeText(text: string): string {
  return text.replace(UNSAFE_MULTILINE, '?');
}
