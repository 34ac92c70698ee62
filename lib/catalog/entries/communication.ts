import type { CatalogEntryInput } from "../schema";

export const communicationEntries: CatalogEntryInput[] = [
  {
    // docs.slack.dev/authentication/installing-with-oauth: OAuth v2, `scope` is a
    // comma-separated list of bot scopes; oauth.v2.access prefers HTTP Basic
    // client authentication. auth.revoke is called with the token itself (not
    // RFC 7009), so no revocationUrl. Note: Slack Web API answers 200 with
    // {"ok":false} for a bad token; the verify caller must read `ok`.
    name: "Slack",
    linkName: "slack",
    category: "Communication",
    description: "Post messages and read channels in a Slack workspace.",
    icon: "MessageSquare",
    color: "#4A154B",
    authType: "oauth2",
    docsUrl: "https://docs.slack.dev/authentication/installing-with-oauth",
    api: { baseUrl: "https://slack.com/api", allowedHosts: ["slack.com", "files.slack.com"] },
    verify: { method: "POST", path: "/auth.test" },
    oauth2: {
      authorizeUrl: "https://slack.com/oauth/v2/authorize",
      tokenUrl: "https://slack.com/api/oauth.v2.access",
      scopeDelimiter: "comma",
      pkce: false,
      tokenAuthMethod: "client_secret_basic",
      scopes: [
        { name: "chat:write", description: "Send messages as the app", default: true },
        { name: "channels:read", description: "View basic information about public channels in a workspace", default: true },
        { name: "users:read", description: "View people in a workspace", default: true },
        {
          name: "channels:history",
          description: "View messages and other content in public channels that the app has been added to",
          default: false,
        },
        {
          name: "groups:read",
          description: "View basic information about private channels that the app has been added to",
          default: false,
        },
        { name: "im:write", description: "Start direct messages with people", default: false },
        {
          name: "files:read",
          description: "View files shared in channels and conversations that the app has been added to",
          default: false,
        },
        { name: "files:write", description: "Upload, edit, and delete files as the app", default: false },
        { name: "reactions:write", description: "Add and edit emoji reactions", default: false },
        { name: "users:read.email", description: "View email addresses of people in a workspace", default: false },
      ],
    },
  },
  {
    // discord.com/developers/docs/topics/oauth2
    name: "Discord",
    linkName: "discord",
    category: "Communication",
    description: "Discord user profile, servers and connections.",
    icon: "MessagesSquare",
    color: "#5865F2",
    authType: "oauth2",
    docsUrl: "https://discord.com/developers/docs/topics/oauth2",
    api: { baseUrl: "https://discord.com/api/v10", allowedHosts: ["discord.com"] },
    verify: { method: "GET", path: "/users/@me" },
    oauth2: {
      authorizeUrl: "https://discord.com/oauth2/authorize",
      tokenUrl: "https://discord.com/api/oauth2/token",
      revocationUrl: "https://discord.com/api/oauth2/token/revoke",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_basic",
      scopes: [
        { name: "identify", description: "Read your username, avatar and banner (GET /users/@me)", default: true },
        { name: "email", description: "Read your email address", default: false },
        { name: "guilds", description: "See the servers you are in", default: true },
        { name: "guilds.members.read", description: "Read your member info (nickname, roles) in your servers", default: false },
        { name: "connections", description: "See your linked third-party accounts", default: false },
      ],
    },
  },
  {
    // developers.zoom.us/docs/integrations/oauth/: scopes are chosen on the Zoom
    // Marketplace app (granular scopes), not in the authorize request; token and
    // revoke calls use HTTP Basic; PKCE supported.
    name: "Zoom",
    linkName: "zoom",
    category: "Communication",
    description: "Meetings, users and recordings in Zoom.",
    icon: "Video",
    color: "#0B5CFF",
    authType: "oauth2",
    docsUrl: "https://developers.zoom.us/docs/integrations/oauth/",
    api: { baseUrl: "https://api.zoom.us/v2", allowedHosts: ["api.zoom.us"] },
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorizeUrl: "https://zoom.us/oauth/authorize",
      tokenUrl: "https://zoom.us/oauth/token",
      revocationUrl: "https://zoom.us/oauth/revoke",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
      scopes: [],
    },
  },
  {
    // twilio.com/docs/usage/requests-to-twilio: HTTP Basic with the Account SID
    // (or an API key SID) as user name and the Auth Token (or key secret) as password.
    name: "Twilio",
    linkName: "twilio",
    category: "Communication",
    description: "SMS, voice and messaging through Twilio.",
    icon: "Phone",
    color: "#F22F46",
    authType: "basic",
    docsUrl: "https://www.twilio.com/docs/usage/requests-to-twilio",
    api: { baseUrl: "https://api.twilio.com", allowedHosts: ["api.twilio.com", "*.twilio.com"] },
    verify: { method: "GET", path: "/2010-04-01/Accounts.json" },
    basic: { usernameLabel: "Account SID", passwordLabel: "Auth Token" },
  },
];
