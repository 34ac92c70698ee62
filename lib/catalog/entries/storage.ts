import type { CatalogEntryInput } from "../schema";

export const storageEntries: CatalogEntryInput[] = [
  {
    // developers.dropbox.com/oauth-guide: token_access_type=offline for a refresh
    // token, PKCE supported, scopes space-delimited. Dropbox's revoke call
    // (POST /2/auth/token/revoke, bearer-authenticated) is not RFC 7009, so no
    // revocationUrl here.
    name: "Dropbox",
    linkName: "dropbox",
    category: "Storage",
    description: "Files, folders and sharing in Dropbox.",
    icon: "Box",
    color: "#0061FF",
    authType: "oauth2",
    docsUrl: "https://developers.dropbox.com/oauth-guide",
    api: {
      baseUrl: "https://api.dropboxapi.com",
      allowedHosts: ["api.dropboxapi.com", "content.dropboxapi.com", "notify.dropboxapi.com"],
    },
    verify: { method: "POST", path: "/2/users/get_current_account" },
    oauth2: {
      authorizeUrl: "https://www.dropbox.com/oauth2/authorize",
      tokenUrl: "https://api.dropboxapi.com/oauth2/token",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
      extraAuthorizeParams: { token_access_type: "offline" },
      scopes: [
        { name: "account_info.read", description: "View basic information about your Dropbox account", default: true },
        { name: "files.metadata.read", description: "View information about your Dropbox files and folders", default: true },
        { name: "files.content.read", description: "View content of your Dropbox files and folders", default: true },
        {
          name: "files.metadata.write",
          description: "View and edit information about your Dropbox files and folders",
          default: false,
        },
        { name: "files.content.write", description: "Edit content of your Dropbox files and folders", default: false },
        { name: "sharing.read", description: "View your Dropbox sharing settings and collaborators", default: false },
        {
          name: "sharing.write",
          description: "View and manage your Dropbox sharing settings and collaborators",
          default: false,
        },
      ],
    },
  },
  {
    // developer.box.com/guides/authentication/oauth2: the scope parameter is
    // optional and defaults to the scopes configured on the Box app; Box
    // expects client_id/client_secret in the token request body.
    name: "Box",
    linkName: "box",
    category: "Storage",
    description: "Content, folders and collaboration in Box.",
    icon: "Folder",
    color: "#0061D5",
    authType: "oauth2",
    docsUrl: "https://developer.box.com/guides/authentication/oauth2/",
    api: { baseUrl: "https://api.box.com/2.0", allowedHosts: ["api.box.com", "upload.box.com"] },
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorizeUrl: "https://account.box.com/api/oauth2/authorize",
      tokenUrl: "https://api.box.com/oauth2/token",
      revocationUrl: "https://api.box.com/oauth2/revoke",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "root_readonly", description: "Read all files and folders stored in Box", default: false },
        { name: "root_readwrite", description: "Read and write all files and folders stored in Box", default: false },
        { name: "manage_webhook", description: "Manage webhooks", default: false },
        { name: "sign_requests.readwrite", description: "Manage Box Sign requests", default: false },
      ],
    },
  },
  {
    // Microsoft identity platform v2 (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow)
    // on the multi-tenant "common" endpoint; short Graph scope names, and
    // offline_access for a refresh token. There is no token revocation endpoint.
    name: "Microsoft OneDrive",
    linkName: "onedrive",
    category: "Storage",
    description: "OneDrive and SharePoint files through Microsoft Graph.",
    icon: "Cloud",
    color: "#0078D4",
    authType: "oauth2",
    docsUrl: "https://learn.microsoft.com/en-us/onedrive/developer/rest-api/getting-started/graph-oauth",
    api: { baseUrl: "https://graph.microsoft.com", allowedHosts: ["graph.microsoft.com"] },
    verify: { method: "GET", path: "/v1.0/me/drive" },
    oauth2: {
      authorizeUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
      tokenUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "offline_access", description: "Maintain access to data you have given it access to", default: true },
        { name: "User.Read", description: "Sign you in and read your profile", default: true },
        { name: "Files.Read", description: "Read your files", default: true },
        { name: "Files.ReadWrite", description: "Have full access to your files", default: false },
        { name: "Files.Read.All", description: "Read all files that you have access to", default: false },
        { name: "Files.ReadWrite.All", description: "Have full access to all files you have access to", default: false },
      ],
    },
  },
];
