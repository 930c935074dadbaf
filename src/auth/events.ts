// Authentication events (logins, failures, logouts, token changes) for whoever records
// them: the audit log (audit/audit-log.ts), the operator's log, or nothing. Recording
// must never fail a request: record() resolves even when it could not write.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

export interface AuthEvent {
  readonly action: 'login' | 'login_failed' | 'login_throttled' | 'logout' | 'token_created' | 'token_reset' | 'token_revoked';
  /** The user's name, or the name a failed login tried. */
  readonly username: string;
  readonly userId?: number | null;
  /** Which credentials: absent for DRF's Token, 'jwt' for SimpleJWT's tokens. */
  readonly scheme?: 'jwt';
}

export interface AuthEvents {
  record(request: FastifyRequest, event: AuthEvent): void | Promise<void>;
}

export const ignoreAuthEvents: AuthEvents = {
  record() {},
};

/** An event as the operator's log line. */
export function logAuthEvent(logger: FastifyBaseLogger, request: FastifyRequest, event: AuthEvent): void {
  logger.info({ auth: event, reqId: request.id }, `auth ${event.action}`);
}
