// A short form of Django's AUTH_PASSWORD_VALIDATORS (minimum length, numeric, similar to
// the username), for passwords a person chooses: createsuperuser, changepassword and the
// admin. `tessera user set` and logins never judge a password.
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if ([...password].length < 8) problems.push('This password is too short. It must contain at least 8 characters.');
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  if (username !== '' && password.toLowerCase() === username.toLowerCase()) problems.push('The password is too similar to the username.');
  return problems;
}
