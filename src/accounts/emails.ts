// The e-mails of the accounts views, word for word djoser 2.1's templates
// (djoser/templates/email/activation.html, password_reset.html): a subject, a text part and
// an HTML part, the link to the client `{protocol}://{domain}/{url}`.

export interface MailSite {
  /** SITE_NAME, "Tessera" by default. */
  readonly name: string;
  readonly protocol: string;
  /** The client's host[:port] (DOMAIN); the request's host when none is configured. */
  readonly domain: string;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly link: string;
}

/** Django's autoescape of a template variable. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[char]!);
}

export function activationMail(site: MailSite, path: string): RenderedMail {
  const name = escapeHtml(site.name);
  const link = `${site.protocol}://${site.domain}/${path}`;
  const intro = `You're receiving this email because you need to finish activation process on ${name}.`;
  return {
    subject: `Account activation on ${site.name}`,
    link,
    text: [intro, '', 'Please go to the following page to activate account:', link, '', 'Thanks for using our site!', '', `The ${name} team`].join('\n'),
    html: [
      `<p>${intro}</p>`, '',
      '<p>Please go to the following page to activate account:</p>',
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`, '',
      '<p>Thanks for using our site!</p>', '',
      `<p>The ${name} team</p>`,
    ].join('\n'),
  };
}

export function passwordResetMail(site: MailSite, path: string, username: string): RenderedMail {
  const name = escapeHtml(site.name);
  const link = `${site.protocol}://${site.domain}/${path}`;
  const intro = `You're receiving this email because you requested a password reset for your user account at ${name}.`;
  return {
    subject: `Password reset on ${site.name}`,
    link,
    text: [
      intro, '',
      'Please go to the following page and choose a new password:',
      link,
      `Your username, in case you've forgotten: ${escapeHtml(username)}`, '',
      'Thanks for using our site!', '',
      `The ${name} team`,
    ].join('\n'),
    html: [
      `<p>${intro}</p>`, '',
      '<p>Please go to the following page and choose a new password:</p>',
      `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`,
      `<p>Your username, in case you've forgotten: <b>${escapeHtml(username)}</b></p>`, '',
      '<p>Thanks for using our site!</p>', '',
      `<p>The ${name} team</p>`,
    ].join('\n'),
  };
}
