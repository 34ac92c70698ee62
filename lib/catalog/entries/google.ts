import type { CatalogEntryInput } from "../schema";

/**
 * Google Workspace APIs. One OAuth 2.0 web-server flow for all of them
 * (developers.google.com/identity/protocols/oauth2/web-server):
 * - access_type=offline returns a refresh token; prompt=consent makes Google
 *   return one again on re-authorisation (it is only sent on first consent otherwise).
 * - PKCE (S256) is supported; scopes are space-delimited.
 * - Revocation: POST https://oauth2.googleapis.com/revoke (RFC 7009 style, token=...).
 * - Google sets `iss` on the authorization response (RFC 9207); issuer below.
 * Scope descriptions are the ones Google shows on its consent screen.
 */
const googleOAuth = {
  authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  revocationUrl: "https://oauth2.googleapis.com/revoke",
  issuer: "https://accounts.google.com",
  scopeDelimiter: "space",
  pkce: true,
  tokenAuthMethod: "client_secret_post",
  extraAuthorizeParams: { access_type: "offline", prompt: "consent" },
} as const;

const AUTH = "https://www.googleapis.com/auth/";

export const googleEntries: CatalogEntryInput[] = [
  {
    name: "Google Drive",
    linkName: "google_drive",
    category: "Storage",
    description: "Files and folders in Google Drive.",
    icon: "HardDrive",
    color: "#1FA463",
    authType: "oauth2",
    docsUrl: "https://developers.google.com/workspace/drive/api/guides/api-specific-auth",
    api: { baseUrl: "https://www.googleapis.com", allowedHosts: ["www.googleapis.com"] },
    verify: { method: "GET", path: "/drive/v3/about?fields=user" },
    oauth2: {
      ...googleOAuth,
      scopes: [
        { name: `${AUTH}drive.readonly`, description: "See and download all your Google Drive files", default: true },
        {
          name: `${AUTH}drive.file`,
          description: "See, edit, create, and delete only the specific Google Drive files you use with this app",
          default: false,
        },
        {
          name: `${AUTH}drive.metadata.readonly`,
          description: "See information about your Google Drive files",
          default: false,
        },
        {
          name: `${AUTH}drive`,
          description: "See, edit, create, and delete all of your Google Drive files",
          default: false,
        },
        {
          name: `${AUTH}drive.appdata`,
          description: "See, create, and delete its own configuration data in your Google Drive",
          default: false,
        },
      ],
    },
  },
  {
    name: "Gmail",
    linkName: "gmail",
    category: "Email",
    description: "Read, label and send mail from a Gmail mailbox.",
    icon: "Mail",
    color: "#EA4335",
    authType: "oauth2",
    docsUrl: "https://developers.google.com/workspace/gmail/api/auth/scopes",
    api: { baseUrl: "https://gmail.googleapis.com", allowedHosts: ["gmail.googleapis.com", "www.googleapis.com"] },
    verify: { method: "GET", path: "/gmail/v1/users/me/profile" },
    oauth2: {
      ...googleOAuth,
      scopes: [
        { name: `${AUTH}gmail.readonly`, description: "View your email messages and settings", default: true },
        { name: `${AUTH}gmail.send`, description: "Send email on your behalf", default: false },
        { name: `${AUTH}gmail.compose`, description: "Manage drafts and send emails", default: false },
        {
          name: `${AUTH}gmail.modify`,
          description: "Read, compose, and send emails from your Gmail account",
          default: false,
        },
        { name: `${AUTH}gmail.labels`, description: "See and edit your email labels", default: false },
        {
          name: `${AUTH}gmail.metadata`,
          description: "View your email message metadata such as labels and headers, but not the email body",
          default: false,
        },
        {
          name: "https://mail.google.com/",
          description: "Read, compose, send, and permanently delete all your email from Gmail",
          default: false,
        },
      ],
    },
  },
  {
    name: "Google Sheets",
    linkName: "google_sheets",
    category: "Productivity",
    description: "Read and write spreadsheets in Google Sheets.",
    icon: "Sheet",
    color: "#0F9D58",
    authType: "oauth2",
    docsUrl: "https://developers.google.com/workspace/sheets/api/scopes",
    api: { baseUrl: "https://sheets.googleapis.com", allowedHosts: ["sheets.googleapis.com"] },
    // No "who am I" call in the Sheets API: every read names a spreadsheet id,
    // so a connection cannot be checked without one. Left without `verify`.
    oauth2: {
      ...googleOAuth,
      scopes: [
        {
          name: `${AUTH}spreadsheets`,
          description: "See, edit, create, and delete all your Google Sheets spreadsheets",
          default: true,
        },
        { name: `${AUTH}spreadsheets.readonly`, description: "See all your Google Sheets spreadsheets", default: false },
        {
          name: `${AUTH}drive.file`,
          description: "See, edit, create, and delete only the specific Google Drive files you use with this app",
          default: false,
        },
      ],
    },
  },
  {
    name: "Google Calendar",
    linkName: "google_calendar",
    category: "Productivity",
    description: "Calendars and events in Google Calendar.",
    icon: "Calendar",
    color: "#4285F4",
    authType: "oauth2",
    docsUrl: "https://developers.google.com/workspace/calendar/api/auth",
    api: { baseUrl: "https://www.googleapis.com", allowedHosts: ["www.googleapis.com"] },
    verify: { method: "GET", path: "/calendar/v3/calendars/primary/events?maxResults=1" },
    oauth2: {
      ...googleOAuth,
      scopes: [
        { name: `${AUTH}calendar.events`, description: "View and edit events on all your calendars", default: true },
        { name: `${AUTH}calendar.events.readonly`, description: "View events on all your calendars", default: false },
        {
          name: `${AUTH}calendar.readonly`,
          description: "See and download any calendar you can access using your Google Calendar",
          default: false,
        },
        {
          name: `${AUTH}calendar`,
          description: "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
          default: false,
        },
      ],
    },
  },
];
