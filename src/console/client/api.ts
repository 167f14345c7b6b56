/**
 * Calls to the bridge. The browser holds only the HttpOnly session cookie; every call carries
 * the console's header, without which the admin API does not accept the cookie (CSRF).
 */
const CONSOLE_HEADER = 'X-Requested-With';
const CONSOLE_HEADER_VALUE = 'scim-bridge-console';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** What to do when an admin API call answers 401 (the session ended). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

const errorOf = (data: unknown): { code?: unknown; message?: unknown } =>
  typeof data === 'object' && data !== null && 'error' in data && typeof data.error === 'object' && data.error !== null ? data.error : {};

/**
 * `method path` with a JSON body; resolves with the status and parsed body for a 2xx (or a
 * status in `acceptStatuses`), rejects with an ApiError carrying the house error's code and message.
 * The type parameter is what the endpoint is documented to answer: the bridge's own API.
 */
export async function request<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  acceptStatuses: readonly number[] = [],
): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { Accept: 'application/json', [CONSOLE_HEADER]: CONSOLE_HEADER_VALUE };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network_error', `The bridge did not answer (${err instanceof Error ? err.message : String(err)})`, path);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok || acceptStatuses.includes(res.status)) return { status: res.status, data: data as T };
  const error = errorOf(data);
  const err = new ApiError(
    res.status,
    typeof error.code === 'string' ? error.code : `http_${res.status}`,
    typeof error.message === 'string' ? error.message : `${res.status} ${res.statusText}`,
    path,
  );
  if (res.status === 401 && path.startsWith('/api/')) unauthorized();
  throw err;
}

export const getJson = async <T>(path: string): Promise<T> => (await request<T>('GET', path)).data;

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
