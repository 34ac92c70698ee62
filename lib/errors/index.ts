// The one import path of the app's error family (docs/architecture.md "Errors").
export { ERROR_STATUS, statusOf, type ErrorCode } from "./codes";
export {
  AuthorizationFailed,
  Busy,
  codeOf,
  Conflict,
  DomainError,
  Forbidden,
  HostNotAllowed,
  Invalid,
  NeedsReauth,
  NotAuthorizedByYou,
  NotConfigured,
  NotConnected,
  NotFound,
  TokenRefreshFailed,
  Unauthenticated,
  consentFailures,
  type ConsentFailure,
  type ConsentMode,
} from "./domain-error";
