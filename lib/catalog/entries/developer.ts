import type { CatalogEntryInput } from "../schema";

export const developerEntries: CatalogEntryInput[] = [
  {
    // docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps and
    // .../scopes-for-oauth-apps. PKCE (S256) accepted since July 2025. Token
    // revocation is DELETE /applications/{client_id}/grant (not RFC 7009).
    name: "GitHub",
    linkName: "github",
    category: "Developer",
    description: "Repositories, issues and pull requests on GitHub.",
    icon: "GitBranch",
    color: "#181717",
    authType: "oauth2",
    docsUrl: "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
    api: { baseUrl: "https://api.github.com", allowedHosts: ["api.github.com", "uploads.github.com"] },
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorizeUrl: "https://github.com/login/oauth/authorize",
      tokenUrl: "https://github.com/login/oauth/access_token",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "read:user", description: "Read access to a user's profile data", default: true },
        { name: "user:email", description: "Read access to a user's email addresses", default: true },
        {
          name: "repo",
          description: "Full access to public and private repositories, including code, issues and pull requests",
          default: false,
        },
        { name: "public_repo", description: "Read and write access to public repositories", default: false },
        { name: "read:org", description: "Read-only access to organization membership, teams and projects", default: false },
        { name: "gist", description: "Write access to gists", default: false },
        { name: "notifications", description: "Read your notifications and mark them read", default: false },
        { name: "workflow", description: "Add and update GitHub Actions workflow files", default: false },
      ],
    },
  },
  {
    // docs.gitlab.com/api/oauth2/ and docs.gitlab.com/integration/oauth_provider/ (scopes).
    name: "GitLab",
    linkName: "gitlab",
    category: "Developer",
    description: "Projects, merge requests and pipelines on GitLab.com.",
    icon: "GitMerge",
    color: "#FC6D26",
    authType: "oauth2",
    docsUrl: "https://docs.gitlab.com/api/oauth2/",
    api: { baseUrl: "https://gitlab.com/api/v4", allowedHosts: ["gitlab.com"] },
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorizeUrl: "https://gitlab.com/oauth/authorize",
      tokenUrl: "https://gitlab.com/oauth/token",
      revocationUrl: "https://gitlab.com/oauth/revoke",
      issuer: "https://gitlab.com",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "read_user", description: "Read the authenticated user's personal information", default: true },
        { name: "read_api", description: "Read access to the API, including all groups and projects", default: true },
        { name: "api", description: "Complete read and write access to the API", default: false },
        { name: "read_repository", description: "Read-only access to repositories on private projects", default: false },
        { name: "write_repository", description: "Read and write access to repositories on private projects", default: false },
      ],
    },
  },
  {
    // support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/:
    // scopes are set on the OAuth consumer; the token endpoint uses HTTP Basic.
    name: "Bitbucket",
    linkName: "bitbucket",
    category: "Developer",
    description: "Repositories and pull requests on Bitbucket Cloud.",
    icon: "GitPullRequest",
    color: "#0052CC",
    authType: "oauth2",
    docsUrl: "https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/",
    api: { baseUrl: "https://api.bitbucket.org/2.0", allowedHosts: ["api.bitbucket.org"] },
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorizeUrl: "https://bitbucket.org/site/oauth2/authorize",
      tokenUrl: "https://bitbucket.org/site/oauth2/access_token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_basic",
      scopes: [],
    },
  },
  {
    // linear.app/developers/oauth-2-0-authentication: comma-separated scopes,
    // `read` always granted; refresh tokens; revoke at /oauth/revoke. The API is
    // GraphQL, so verification posts a `viewer` query.
    name: "Linear",
    linkName: "linear",
    category: "Developer",
    description: "Issues, projects and cycles in Linear.",
    icon: "SquareKanban",
    color: "#5E6AD2",
    authType: "oauth2",
    docsUrl: "https://linear.app/developers/oauth-2-0-authentication",
    api: { baseUrl: "https://api.linear.app", allowedHosts: ["api.linear.app"] },
    verify: {
      method: "POST",
      path: "/graphql",
      headers: { "content-type": "application/json" },
      body: '{"query":"{ viewer { id } }"}',
    },
    oauth2: {
      authorizeUrl: "https://linear.app/oauth/authorize",
      tokenUrl: "https://api.linear.app/oauth/token",
      revocationUrl: "https://api.linear.app/oauth/revoke",
      scopeDelimiter: "comma",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "read", description: "Read access for the user's account (always granted)", default: true },
        { name: "write", description: "Write access for the user's account", default: false },
        { name: "issues:create", description: "Create new issues and their attachments", default: false },
        { name: "comments:create", description: "Create new issue comments", default: false },
        { name: "admin", description: "Full access to admin-level endpoints", default: false },
      ],
    },
  },
];
