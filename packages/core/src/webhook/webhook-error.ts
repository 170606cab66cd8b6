/** A webhook refused at the door, with the HTTP status to answer and a one-line reason. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  /** 400 malformed, 401 wrong secret, 413 too large, 415 wrong content type. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
