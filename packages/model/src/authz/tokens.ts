/**
 * The shapes of Wharf's token API (/apis/wharf.io/v1/tokens) and of the bindings stored next to
 * the token hashes in the cluster's auth bucket. A token is `<id>.<secret>` as kubeadm's
 * bootstrap tokens (`[a-z0-9]{6}.[a-z0-9]{16}`): the id is public, the whole token is a secret
 * the API never shows again after creating it (it keeps only its SHA-256). Tokens made before
 * this form (random base64url) keep their id, the first 12 hex digits of their hash.
 */
import { z } from 'zod';
import { DnsLabel, DnsSubdomain } from '../schemas/meta.js';
import { TOKEN_ROLES } from './roles.js';

/** The API version of the token API. */
export const TOKEN_API_VERSION = 'wharf.io/v1';

/** A user or group name: letters, digits and `:._@-` (e.g. `alice`, `system:node:n1`). */
export const PrincipalName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9:._@-]*$/, "must consist of letters, digits, ':', '.', '_', '@' or '-', and start with a letter or digit");

/** A stored binding (key `binding.<name>`); `token` is the id of the token whose creation made it. */
export const Binding = z.strictObject({
  name: DnsSubdomain,
  role: z.enum(TOKEN_ROLES),
  namespace: DnsLabel.optional(),
  subjects: z.array(z.strictObject({ kind: z.enum(['User', 'Group']), name: PrincipalName })).min(1),
  token: z.string().optional(),
  created: z.string().optional(),
});
/** A stored binding. */
export type Binding = z.infer<typeof Binding>;

/** A role a token's user holds: the role, and its namespace for a namespaced binding. */
export const RoleRef = z.strictObject({ binding: z.string(), role: z.string(), namespace: z.string().optional() });
/** A role a token's user holds. */
export type RoleRef = z.infer<typeof RoleRef>;

/** What a token is for: `api` (a user, maybe bound to a role) or `bootstrap` (only joining a node). */
export const TOKEN_TYPES = ['api', 'bootstrap'] as const;
/** One of TOKEN_TYPES. */
export type TokenType = (typeof TOKEN_TYPES)[number];

/** The form of every token made now (kubeadm's): `<id>.<secret>`. */
export const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** The user of the bootstrap token with this id (kubeadm's `system:bootstrap:<id>`). */
export const bootstrapUser = (id: string): string => `system:bootstrap:${id}`;

/** The id named by `text`: the id part of a whole token (`abcdef.0123456789abcdef`), else `text` itself. */
export function tokenIdOf(text: string): string {
  return TOKEN_PATTERN.exec(text)?.[1] ?? text;
}

/** A token's description (kubeadm's `--description`): one line of text. */
const Description = z.string().max(256).regex(/^[^\n\r]*$/, 'must be one line');

/** One row of `GET /apis/wharf.io/v1/tokens`: no secret, no hash beyond the id. */
export const TokenInfo = z.strictObject({
  id: z.string(),
  type: z.enum(TOKEN_TYPES),
  description: z.string().optional(),
  user: z.string(),
  groups: z.array(z.string()),
  roles: z.array(RoleRef),
  created: z.string(),
  /** RFC 3339; absent: the token never expires. */
  expires: z.string().optional(),
});
/** One row of the token list. */
export type TokenInfo = z.infer<typeof TokenInfo>;

/** The longest TTL a token may get (ten years). */
export const MAX_TOKEN_TTL_SECONDS = 10 * 365 * 24 * 3600;

/**
 * The body of `POST /apis/wharf.io/v1/tokens`. Without `user` the user is `token-<id>`; `ttlSeconds`
 * 0 never expires. A `bootstrap` token has user `system:bootstrap:<id>` and group
 * system:bootstrappers, and takes no user, groups, role or namespace.
 */
export const TokenRequest = z.strictObject({
  type: z.enum(TOKEN_TYPES).optional(),
  description: Description.optional(),
  user: PrincipalName.optional(),
  groups: z.array(PrincipalName).max(32).optional(),
  role: z.enum(TOKEN_ROLES).optional(),
  namespace: DnsLabel.optional(),
  ttlSeconds: z.int().min(0).max(MAX_TOKEN_TTL_SECONDS).optional(),
  /** A bootstrap token that may also join control-plane hosts: the answer carries a new certificate key. */
  controlPlane: z.boolean().optional(),
});
/** The body of a token creation. */
export type TokenRequest = z.infer<typeof TokenRequest>;

/** The answer to a creation: the token itself, shown this once. */
export type TokenCreated = TokenInfo & { token: string; certificateKey?: string };

/** The default TTL of a created token (24 hours, as kubeadm's bootstrap tokens). */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;
