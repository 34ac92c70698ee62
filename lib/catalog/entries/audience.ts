import type { CatalogEntryInput } from "../schema";

/** Social, marketing, forms, events and documents. */
export const audienceEntries: CatalogEntryInput[] = [
  {
    // docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code: PKCE
    // required, confidential clients authenticate with HTTP Basic, refresh
    // tokens only with offline.access, revocation at /2/oauth2/revoke.
    name: "X (Twitter)",
    linkName: "x_twitter",
    category: "Social",
    description: "Posts, users and follows on X (formerly Twitter).",
    icon: "AtSign",
    color: "#000000",
    authType: "oauth2",
    docsUrl: "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
    api: { baseUrl: "https://api.x.com/2", allowedHosts: ["api.x.com", "api.twitter.com"] },
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorizeUrl: "https://x.com/i/oauth2/authorize",
      tokenUrl: "https://api.x.com/2/oauth2/token",
      revocationUrl: "https://api.x.com/2/oauth2/revoke",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
      scopes: [
        { name: "tweet.read", description: "All the posts you can view, including posts from protected accounts", default: true },
        { name: "users.read", description: "Any account you can view, including protected accounts", default: true },
        { name: "offline.access", description: "Stay connected to your account until you revoke access", default: true },
        { name: "tweet.write", description: "Post and repost for you", default: false },
        { name: "follows.read", description: "People who follow you and people who you follow", default: false },
        { name: "follows.write", description: "Follow and unfollow people for you", default: false },
        { name: "like.read", description: "Posts you have liked and likes you can view", default: false },
        { name: "bookmark.read", description: "Get your bookmarked posts", default: false },
      ],
    },
  },
  {
    // developer.spotify.com/documentation/web-api/tutorials/code-flow and /concepts/scopes.
    name: "Spotify",
    linkName: "spotify",
    category: "Media",
    description: "Playlists, library and playback on Spotify.",
    icon: "Music",
    color: "#1DB954",
    authType: "oauth2",
    docsUrl: "https://developer.spotify.com/documentation/web-api/tutorials/code-flow",
    api: { baseUrl: "https://api.spotify.com/v1", allowedHosts: ["api.spotify.com"] },
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorizeUrl: "https://accounts.spotify.com/authorize",
      tokenUrl: "https://accounts.spotify.com/api/token",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
      scopes: [
        { name: "user-read-private", description: "Access your subscription details and country", default: true },
        { name: "user-read-email", description: "Get your real email address", default: false },
        { name: "playlist-read-private", description: "Access your private playlists", default: true },
        { name: "playlist-modify-private", description: "Manage your private playlists", default: false },
        { name: "playlist-modify-public", description: "Manage your public playlists", default: false },
        { name: "user-library-read", description: "Access your saved content", default: false },
        { name: "user-top-read", description: "Read your top artists and content", default: false },
        { name: "user-read-recently-played", description: "Access your recently played items", default: false },
        { name: "user-read-playback-state", description: "Read your currently playing content and devices", default: false },
        { name: "user-modify-playback-state", description: "Control playback on your Spotify clients", default: false },
      ],
    },
  },
  {
    // mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/: no
    // scopes, tokens do not expire. The Marketing API is on the account's data
    // centre (https://<dc>.api.mailchimp.com/3.0), which the metadata endpoint
    // on login.mailchimp.com reports as `api_endpoint`.
    name: "Mailchimp",
    linkName: "mailchimp",
    category: "Marketing",
    description: "Audiences, campaigns and automations in Mailchimp.",
    icon: "Megaphone",
    color: "#FFE01B",
    authType: "oauth2",
    docsUrl: "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/",
    api: { baseUrl: "https://login.mailchimp.com", allowedHosts: ["login.mailchimp.com", "*.api.mailchimp.com"] },
    verify: { method: "GET", path: "/oauth2/metadata" },
    oauth2: {
      authorizeUrl: "https://login.mailchimp.com/oauth2/authorize",
      tokenUrl: "https://login.mailchimp.com/oauth2/token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [],
    },
  },
  {
    // api.surveymonkey.com/v3/docs (Authentication): scopes are chosen on the
    // app; client_secret goes in the token request body. EU and CA accounts use
    // regional API hosts.
    name: "SurveyMonkey",
    linkName: "surveymonkey",
    category: "Forms & Surveys",
    description: "Surveys, collectors and responses in SurveyMonkey.",
    icon: "ClipboardList",
    color: "#00BF6F",
    authType: "oauth2",
    docsUrl: "https://developer.surveymonkey.com/api/v3/#authentication",
    api: {
      baseUrl: "https://api.surveymonkey.com/v3",
      allowedHosts: ["api.surveymonkey.com", "api.eu.surveymonkey.com", "api.surveymonkey.ca"],
    },
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorizeUrl: "https://api.surveymonkey.com/oauth/authorize",
      tokenUrl: "https://api.surveymonkey.com/oauth/token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [],
    },
  },
  {
    // typeform.com/developers/get-started/applications/ and /scopes/: `offline`
    // yields a refresh token.
    name: "Typeform",
    linkName: "typeform",
    category: "Forms & Surveys",
    description: "Forms, responses and webhooks in Typeform.",
    icon: "ClipboardList",
    color: "#262627",
    authType: "oauth2",
    docsUrl: "https://www.typeform.com/developers/get-started/scopes/",
    api: { baseUrl: "https://api.typeform.com", allowedHosts: ["api.typeform.com"] },
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorizeUrl: "https://api.typeform.com/oauth/authorize",
      tokenUrl: "https://api.typeform.com/oauth/token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "accounts:read", description: "Read your account information", default: true },
        { name: "forms:read", description: "Read your forms", default: true },
        { name: "responses:read", description: "Read responses to your forms", default: true },
        { name: "offline", description: "Stay connected (issues a refresh token)", default: true },
        { name: "forms:write", description: "Create and edit your forms", default: false },
        { name: "responses:write", description: "Delete responses to your forms", default: false },
        { name: "webhooks:read", description: "Read your webhooks", default: false },
        { name: "webhooks:write", description: "Create, edit and delete your webhooks", default: false },
        { name: "workspaces:read", description: "Read your workspaces", default: false },
      ],
    },
  },
  {
    // www.eventbrite.com/platform/api#/introduction/authentication: no scopes.
    name: "Eventbrite",
    linkName: "eventbrite",
    category: "Events",
    description: "Events, orders and attendees on Eventbrite.",
    icon: "Ticket",
    color: "#F05537",
    authType: "oauth2",
    docsUrl: "https://www.eventbrite.com/platform/api#/introduction/authentication",
    api: { baseUrl: "https://www.eventbriteapi.com/v3", allowedHosts: ["www.eventbriteapi.com"] },
    verify: { method: "GET", path: "/users/me/" },
    oauth2: {
      authorizeUrl: "https://www.eventbrite.com/oauth/authorize",
      tokenUrl: "https://www.eventbrite.com/oauth/token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [],
    },
  },
  {
    // developer.calendly.com: OAuth with PKCE (S256), authorization scopes
    // (since 2026), revocation with client credentials in the body.
    name: "Calendly",
    linkName: "calendly",
    category: "Events",
    description: "Event types, bookings and invitees in Calendly.",
    icon: "CalendarCheck",
    color: "#006BFF",
    authType: "oauth2",
    docsUrl: "https://developer.calendly.com/docs/authentication/scopes",
    api: { baseUrl: "https://api.calendly.com", allowedHosts: ["api.calendly.com"] },
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorizeUrl: "https://auth.calendly.com/oauth/authorize",
      tokenUrl: "https://auth.calendly.com/oauth/token",
      revocationUrl: "https://auth.calendly.com/oauth/revoke",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "users:read", description: "Retrieve user information", default: true },
        { name: "event_types:read", description: "Retrieve event type details and available times", default: true },
        { name: "scheduled_events:read", description: "Retrieve scheduled events and event invitee information", default: true },
        {
          name: "scheduled_events:write",
          description: "Create event invitees, cancel events or mark invitees as no-show",
          default: false,
        },
        { name: "availability:read", description: "Retrieve user and event-type availability", default: false },
        { name: "webhooks:write", description: "Create or delete webhook subscriptions", default: false },
      ],
    },
  },
  {
    // developers.pandadoc.com/reference/authentication-process: scope "read+write"
    // in the authorize URL, i.e. the two space-delimited scopes below.
    name: "PandaDoc",
    linkName: "pandadoc",
    category: "Documents",
    description: "Documents, templates and e-signatures in PandaDoc.",
    icon: "FileSignature",
    color: "#47B972",
    authType: "oauth2",
    docsUrl: "https://developers.pandadoc.com/reference/authentication-process",
    api: { baseUrl: "https://api.pandadoc.com/public/v1", allowedHosts: ["api.pandadoc.com"] },
    verify: { method: "GET", path: "/documents?count=1" },
    oauth2: {
      authorizeUrl: "https://app.pandadoc.com/oauth2/authorize",
      tokenUrl: "https://api.pandadoc.com/oauth2/access_token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "read", description: "Read documents, templates and contacts", default: true },
        { name: "write", description: "Create, send and change documents", default: true },
      ],
    },
  },
];
