// The GitLab REST client: the only code in gitlab-posture that speaks HTTP to GitLab.
export { GitlabClient, enc, instanceUrl, type ClientOptions, type ClientStats } from './client';
export {
  GitlabError,
  NotFoundError,
  ForbiddenError,
  UnauthorizedError,
  RateLimitedError,
  ServerError,
  NetworkError,
  TimeoutError,
  BadResponseError,
  RejectedError,
  toReadError,
  errorFromResponse,
  flattenGitlabMessage,
  forbiddenNeeds,
  type GitlabErrorBody,
} from './errors';
export { redact, redactor } from './redact';
export { Limiter, type LimiterOptions, type LimiterStats, type ThrottleEvent } from './limiter';
export { pages, nextLinkQuery, type PageOptions, type RequestFn } from './paginate';
export {
  Requester,
  encodeQuery,
  USER_AGENT,
  DEFAULTS,
  type ApiResponse,
  type Backoff,
  type ClientEvent,
  type HttpMethod,
  type Query,
  type QueryValue,
  type RequestInit,
} from './requester';
export { detectGitlab, planToTier, type DetectOptions } from './tier';
export * from './types';
export { formatEvent } from './events';
