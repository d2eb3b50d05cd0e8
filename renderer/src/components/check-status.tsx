// A check's pass, fail, mute or skip: a mark for the eye and the same in words for a screen
// reader, so that the result is never told by colour alone.

export function CheckStatus({ ok, muted = false }: { ok: boolean | null; muted?: boolean }) {
  const [mark, words] = ok === null ? ['?', 'not checked'] : ok ? ['✓', 'passed'] : muted ? ['–', 'failed, muted'] : ['✗', 'failed'];
  return (
    <span className="check-mark">
      <span aria-hidden="true">{mark}</span>
      <span className="visually-hidden">{words}: </span>
    </span>
  );
}
