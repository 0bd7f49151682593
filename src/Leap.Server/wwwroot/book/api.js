// The Leap public API as this page and the staff app use it: same origin, a bearer key (this page) or the staff
// session's cookie with its antiforgery header (/app), the Jump envelope
// ({data, meta} or {data: null, meta, error: {code, message, details}}).

export const API_ROOT = '/api/v1';

/** A failed call, with what the page needs to explain it: status, error code, per-field details. */
export class ApiError extends Error {
  constructor(status, code, message, { details = [], facts = {}, requestId = null, retryAfter = null, stranded = [] } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    /** error.details when it is an object rather than a list of fields, e.g. a SERIES_CONFLICT's conflicts. */
    this.facts = facts;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    // A rota edit refused because it would leave these future appointments outside working time (docs/directory.md).
    this.stranded = stranded;
  }
}

/** A UUID for Idempotency-Key. randomUUID exists only in secure contexts (HTTPS or localhost). */
function uuid() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Api {
  #key;
  #headers;
  // One Idempotency-Key per distinct create: sending the same body again (a retry after a lost answer or a
  // server error) reuses its key, so the server replays the first result instead of creating twice.
  #idempotencyKeys = new Map();

  /** A bearer key, or null with the headers that authenticate instead (the staff session's antiforgery token). */
  constructor(key, headers = {}) {
    this.#key = key;
    this.#headers = headers;
  }

  get(path, query = {}) {
    return this.#send('GET', path, query);
  }

  create(path, body) {
    return this.write('POST', path, body);
  }

  /** A create, change, action or removal, with its Idempotency-Key. */
  async write(method, path, body) {
    const id = `${method} ${path} ${JSON.stringify(body)}`;
    if (!this.#idempotencyKeys.has(id)) {
      this.#idempotencyKeys.set(id, uuid());
    }
    const result = await this.#send(method, path, {}, body, this.#idempotencyKeys.get(id));
    this.#idempotencyKeys.delete(id);
    return result;
  }

  async #send(method, path, query, body, idempotencyKey) {
    const url = new URL(API_ROOT + path, location.origin);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        url.searchParams.set(name, value);
      }
    }
    const headers = { Accept: 'application/json', ...this.#headers };
    if (this.#key) {
      headers.Authorization = `Bearer ${this.#key}`;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (idempotencyKey) {
      headers['Idempotency-Key'] = idempotencyKey;
    }
    let response;
    try {
      response = await fetch(url, {
        method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Could not reach the Leap server. Check the connection and try again.');
    }
    let envelope = null;
    try {
      envelope = await response.json();
    } catch {
      // Not JSON (a proxy's error page, say): described by the status alone below.
    }
    if (response.ok && envelope) {
      return envelope;
    }
    const error = envelope?.error ?? {};
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`,
      error.message ?? `The server answered with status ${response.status}.`, {
        details: Array.isArray(error.details) ? error.details : [],
        facts: error.details && !Array.isArray(error.details) ? error.details : {},
        requestId: envelope?.meta?.request_id ?? response.headers.get('X-Request-Id'),
        retryAfter: Number(response.headers.get('Retry-After')) || null,
        stranded: Array.isArray(error.stranded_appointment_ids) ? error.stranded_appointment_ids : [],
      });
  }
}
