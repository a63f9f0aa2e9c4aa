export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
export const PASSWORD_HINT = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A long phrase is easiest to remember.`;

/** Client-side checks before the server's (which also rejects common passwords). */
export function checkNewPassword(pw: string | undefined, confirm: string | undefined): Record<string, string> {
  const errs: Record<string, string> = {};
  const len = pw ? [...pw].length : 0;
  if (!pw) errs.new_password = 'Enter a new password.';
  else if (len < PASSWORD_MIN) errs.new_password = `Use at least ${PASSWORD_MIN} characters.`;
  else if (len > PASSWORD_MAX) errs.new_password = `Use at most ${PASSWORD_MAX} characters.`;
  if (pw && confirm !== pw) errs.confirm_password = 'The two passwords do not match.';
  return errs;
}
