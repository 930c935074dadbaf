// Authentication events (logins, failures, logouts, token changes) for whoever records
// them: the audit log (audit/audit-log.ts), the operator's log, or nothing. Recording
// must never fail a request: record() resolves even when it could not write.
import type { FastifyRequest } from 'fastify';

export interface AuthEvent {
  readonly action: 'login' | 'login_failed' | 'login_throttled' | 'logout' | 'token_created' | 'token_reset' | 'token_revoked';
  /** The user's name, or the name a failed login tried. */
  readonly username: string;
  readonly userId?: number | null;
}

export interface AuthEvents {
  record(request: FastifyRequest, event: AuthEvent): void | Promise<void>;
}

export const ignoreAuthEvents: AuthEvents = {
  record() {},
};

/** Events as structured log lines only. */
export const logAuthEvents: AuthEvents = {
  record(request, event) {
    request.log.info({ auth: event }, `auth ${event.action}`);
  },
};
