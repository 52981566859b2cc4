import { request, type IncomingHttpHeaders } from 'node:http';

/** A response's status, headers and body text. */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A GET with any headers, `Host` included (which `fetch` refuses to set):
 * what a client behind a rebinding DNS name or a proxy sends.
 */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
        }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}
