import type { ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { Job } from '../types.js';
import { requireId } from '../validate.js';
import { jobAnswer } from './results.js';

/** `client.jobs`: delivery jobs of sent messages. */
export class JobsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** A delivery job's state: `details.result` is `DELIVERED` or `NOT DELIVERED` once known. */
  async get(channelId: number, jobId: number, options?: RequestOptions): Promise<Job> {
    const path = `${this.#api.companyPath(options)}/channels/${requireId('channelId', channelId)}/jobs/${requireId('jobId', jobId)}`;
    return this.#api.call({
      method: 'GET',
      path,
      effect: 'read',
      options,
      read: jobAnswer('jobs.get'),
    });
  }
}
