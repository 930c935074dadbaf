// Authentication events (logins, failures, logouts, token changes) for whoever records
// them: the audit log, or nothing. Recording must never fail or slow a request.
import type { FastifyRequest } from 'fastify';

export interface AuthEvent {
  readonly action: 'login' | 'login_failed' | 'login_throttled' | 'logout' | 'token_created' | 'token_reset' | 'token_revoked';
  readonly username: string;
  readonly userId?: number | null;
}

export interface AuthEvents {
  record(request: FastifyRequest, event: AuthEvent): void;
}

export const ignoreAuthEvents: AuthEvents = {
  record() {},
};

/** Events as structured log lines (the default until an audit log is attached). */
export const logAuthEvents: AuthEvents = {
  record(request, event) {
    request.log.info({ auth: event }, `auth ${event.action}`);
  },
};
