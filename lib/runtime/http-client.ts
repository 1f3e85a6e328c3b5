import http from 'node:http';
import https from 'node:https';

/**
 * One service's HTTP client for its calls to subgraphs (the gateway's fetches, a subgraph's
 * peer reads): node:http on keep-alive connections, the answer read whole as text. Node's fetch
 * (undici, web streams) spent about 1.5 ms more CPU per 10 kB answer than this on the benchmark's
 * machine, on the same event loop that serves requests (bench/README.md).
 */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the call (the gateway's whole-request budget): the call fails with the signal's reason. */
  signal?: AbortSignal;
  /** Told the size of each chunk of the answer as it arrives. */
  onData?: (bytes: number) => void;
}

export interface HttpClient {
  request(url: string, init: HttpRequestInit, timeoutMs: number): Promise<TextResponse>;
  /** Ends the kept-alive connections (on shutdown). */
  close(): void;
}

/** A deadline passed: the error's name is TimeoutError, as fetch's AbortSignal.timeout gives. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** An answer already read whole: the fetch Response surface the gateway and the peers use. */
export class TextResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly headers: Headers;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: [string, string][],
    private readonly body: string,
  ) {
    this.headers = new Headers(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new TextEncoder().encode(this.body).buffer;
  }

  clone(): TextResponse {
    return new TextResponse(this.url, this.status, this.statusText, [...this.headers], this.body);
  }
}

/**
 * A kept-alive connection the server closed as idle just as this request went out on it: the
 * server never read the request, so sending it again on a new connection cannot run it twice
 * (Node's documentation recommends exactly this check).
 */
function closedWhileIdle(error: NodeJS.ErrnoException, reusedSocket: boolean, answered: boolean): boolean {
  return reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

export function createHttpClient(): HttpClient {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  function attempt(url: string, init: HttpRequestInit, timeoutMs: number, retry: boolean): Promise<TextResponse> {
    return new Promise<TextResponse>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      let settled = false;
      let answered = false;
      const fail = (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        init.signal?.removeEventListener('abort', abort);
        if (retry && !init.signal?.aborted && closedWhileIdle(error, call.reusedSocket, answered))
          resolve(attempt(url, init, timeoutMs, false));
        else reject(error);
      };
      const call = (secure ? https : http).request(
        target,
        { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            init.onData?.(chunk.length);
          });
          response.on('error', fail);
          response.on('aborted', () => fail(new Error('The connection closed before the whole answer arrived.')));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(deadline);
            init.signal?.removeEventListener('abort', abort);
            const pairs: [string, string][] = [];
            for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i]!, response.rawHeaders[i + 1]!]);
            resolve(
              new TextResponse(url, response.statusCode ?? 0, response.statusMessage ?? '', pairs, Buffer.concat(chunks).toString('utf8')),
            );
          });
        },
      );
      // The deadline covers the whole answer: destroying the request fails it with this error
      // first, also when the headers came in time and the body stalls.
      const deadline = setTimeout(() => call.destroy(new TimeoutError(`No whole answer within ${timeoutMs} ms.`)), timeoutMs);
      const abort = () => call.destroy(init.signal?.reason as Error);
      if (init.signal?.aborted) abort();
      else init.signal?.addEventListener('abort', abort, { once: true });
      call.on('error', fail);
      call.end(init.body);
    });
  }

  return {
    request: (url, init, timeoutMs) => attempt(url, init, timeoutMs, true),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
