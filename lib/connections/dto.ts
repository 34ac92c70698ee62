import type { ConnectionAccess, ConnectionHealth } from "@/lib/validation/connections";
import type { AuthType, ScopeDelimiter } from "@/lib/validation/enums";

/** What a user sees of a connection's state for them: no credential yet counts as not connected. */
export type ConnectionStatus = "connected" | "not_connected" | "needs_reauth";

export type ConnectionRowDto = {
  id: string;
  name: string;
  linkName: string;
  serviceName: string;
  connectKind: "consent" | "client_credentials" | "credentials";
  credentialFields: Array<{ name: string; label: string; secret: boolean }>;
  credentialHosts: string[];
  serviceVersion: number;
  status: ConnectionStatus;
  /** The asking user's credential's health (lib/connections/health.ts); what the Status column shows. */
  health: ConnectionHealth;
  lastUsedAt: string | null;
  createdAt: string;
  ownerName: string;
  /** The actions the asking user may take on this row. */
  canEdit: boolean;
  canDelete: boolean;
};

export type ConnectionListDto = { rows: ConnectionRowDto[]; total: number; page: number; pageSize: number };

export type ConnectionSummaryDto = {
  id: string;
  name: string;
  linkName: string;
  service: {
    name: string;
    linkName: string;
    kind: "catalog" | "custom";
    authType: AuthType;
    docsUrl?: string;
    baseUrl?: string;
    scopeChoices: Array<{ name: string; description: string }>;
    freeScopes: boolean;
  };
  scopes: string[];
  scopeDelimiter: ScopeDelimiter;
  useLoginUserCredentials: boolean;
  /** "Who can use it" when it runs with the owner's credential. */
  access: ConnectionAccess;
  /** Every host the credential of this connection is ever sent to (docs/product.md §5). */
  credentialHosts: string[];
  /** The service's settings version, sent back with typed credentials. */
  serviceVersion: number;
  owner: { id: string; name: string; email: string };
  isOwner: boolean;
  /** The asking user's credential (their own, or the owner's when not shared and they are the owner). */
  status: ConnectionStatus;
  health: ConnectionHealth;
  grantedScopes: string[];
  authorizedAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  /** Whether connecting needs an OAuth client that is not set up yet. */
  notConfigured: boolean;
  usesPopup: boolean;
  connectKind: "consent" | "client_credentials" | "credentials";
  /** For API key and Basic: the fields the User Permissions dialog asks for. */
  credentialFields: Array<{ name: string; label: string; secret: boolean }>;
  sharedAuthorizedCount: number;
};

/** A credential of the asking user that needs re-authentication, for the app shell's "Reconnect". */
export type ReconnectDto = {
  id: string;
  name: string;
  linkName: string;
  serviceName: string;
  connectKind: "consent" | "client_credentials" | "credentials";
  credentialHosts: string[];
  serviceVersion: number;
};
