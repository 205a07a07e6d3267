/** Wharf's token API (/apis/wharf.io/v1/tokens): list, create and delete API tokens (cluster-admin only). */
import type { TokenCreated, TokenInfo, TokenRequest } from '@wharf/model';
import type { WharfClient } from './client.js';

const PATH = '/apis/wharf.io/v1/tokens';

/** Calls to the token API over one client. */
export class TokensApi {
  constructor(readonly client: WharfClient) {}

  /** Every token: id, user, groups, roles, created, expires (never a secret). */
  async list(): Promise<TokenInfo[]> {
    return (await this.client.request<{ items: TokenInfo[] }>('GET', PATH)).items;
  }

  /** Creates a token; the answer holds the token itself, which the server never shows again. */
  create(request: TokenRequest): Promise<TokenCreated> {
    return this.client.request<TokenCreated>('POST', PATH, request);
  }

  /** Deletes the token with this id, and the binding its creation made; returns what it was. */
  delete(id: string): Promise<TokenInfo> {
    return this.client.request<TokenInfo>('DELETE', `${PATH}/${encodeURIComponent(id)}`);
  }
}
