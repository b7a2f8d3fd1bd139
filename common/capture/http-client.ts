import type Stripe from 'stripe';
import { isChangingMethod } from './response';
import type { CaptureRequest } from './response';

/** Called with every parsed response body of a changing call; must not throw and must not block. */
export type ResponseObserver = (
  request: CaptureRequest,
  statusCode: number,
  headers: Headers,
  body: unknown,
) => void;
type Headers = ReturnType<Stripe.HttpClientResponse['getHeaders']>;

/**
 * stripe-node's `httpClient` option, wrapping another client (Node's by default): requests go
 * through unchanged, and a changing call's response is shown to `observe` when stripe-node parses
 * it, so the body is read once. Nothing is patched: stripe-node documents this option for custom
 * transports.
 */
export class CapturingHttpClient implements Stripe.HttpClient {
  constructor(
    private readonly inner: Stripe.HttpClient,
    private readonly observe: ResponseObserver,
  ) {}

  getClientName(): string {
    return this.inner.getClientName();
  }

  async makeRequest(
    host: string,
    port: string,
    path: string,
    method: string,
    headers: CaptureRequest['headers'] & Record<string, string | number | string[]>,
    requestData: string,
    protocol: string,
    timeout: number,
  ): Promise<Stripe.HttpClientResponse> {
    const response = await this.inner.makeRequest(
      host,
      port,
      path,
      method,
      headers,
      requestData,
      protocol,
      timeout,
    );
    if (!isChangingMethod(method)) return response;
    return observed(response, (body) => {
      try {
        this.observe({ method, headers }, response.getStatusCode(), response.getHeaders(), body);
      } catch {
        // The observer guards itself; this is the last fence between capture and the API call.
      }
    });
  }
}

/** The same response, whose parsed body is also handed to `see` before stripe-node gets it. */
function observed(
  response: Stripe.HttpClientResponse,
  see: (body: unknown) => void,
): Stripe.HttpClientResponse {
  return {
    getStatusCode: () => response.getStatusCode(),
    getHeaders: () => response.getHeaders(),
    getRawResponse: () => response.getRawResponse(),
    toStream: (done: () => void) => response.toStream(done),
    toJSON: async () => {
      const body: unknown = await response.toJSON();
      see(body);
      return body;
    },
    ...(response.dispose && { dispose: () => response.dispose?.() }),
  };
}
