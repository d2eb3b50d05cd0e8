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

// What may still reach a terminal after the layers above: C0 controls but tab and newline (CR
// too: it rewrites the line), DEL, C1 controls and bidirectional overrides.
const UNSAFE_ANYWHERE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters as visible `\uXXXX` escapes. JSON.stringify leaves C1 controls and bidi
 * overrides raw inside strings, where this spelling is the same JSON value; in text, the user
 * sees what was there instead of having the terminal obey it.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_ANYWHERE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The CLI's two streams with every write escaped: --verbose, logs mirrored, guest and server text alike. */
export function terminalSafe<T extends { stdout: (text: string) => void; stderr: (text: string) => void }>(io: T): T {
  return { ...io, stdout: (t: string) => io.stdout(escapeControls(t)), stderr: (t: string) => io.stderr(escapeControls(t)) };
}
