import type { CatalogEntryInput } from "../schema";

export const crmEntries: CatalogEntryInput[] = [
  {
    // help.salesforce.com "OAuth 2.0 Web Server Flow" and "OAuth Tokens and Scopes".
    // The REST API lives on the org's own instance (instance_url in the token
    // response, *.my.salesforce.com); login.salesforce.com serves the identity
    // endpoints used for verification. Sandboxes use test.salesforce.com.
    name: "Salesforce",
    linkName: "salesforce",
    category: "CRM",
    description: "Accounts, contacts and opportunities in Salesforce.",
    icon: "Building2",
    color: "#00A1E0",
    authType: "oauth2",
    docsUrl: "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm",
    api: {
      baseUrl: "https://login.salesforce.com",
      allowedHosts: ["login.salesforce.com", "*.my.salesforce.com", "*.salesforce.com", "*.force.com"],
    },
    verify: { method: "GET", path: "/services/oauth2/userinfo" },
    oauth2: {
      authorizeUrl: "https://login.salesforce.com/services/oauth2/authorize",
      tokenUrl: "https://login.salesforce.com/services/oauth2/token",
      revocationUrl: "https://login.salesforce.com/services/oauth2/revoke",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "api", description: "Access and manage your data (REST and SOAP APIs)", default: true },
        {
          name: "refresh_token",
          description: "Perform requests on your behalf at any time (issues a refresh token)",
          default: true,
        },
        { name: "id", description: "Access your basic information (identity URL and user info)", default: true },
        { name: "openid", description: "Access your unique identifier (OpenID Connect)", default: false },
        { name: "chatter_api", description: "Access Connect REST API (Chatter) resources", default: false },
        { name: "full", description: "Full access to all data you can access", default: false },
      ],
    },
  },
  {
    // developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide: v3 token
    // endpoint with every parameter (client id/secret included) in the form body;
    // v1 endpoints are deprecated. `oauth` is required for every app.
    name: "HubSpot",
    linkName: "hubspot",
    category: "CRM",
    description: "Contacts, companies and deals in HubSpot CRM.",
    icon: "Users",
    color: "#FF7A59",
    authType: "oauth2",
    docsUrl: "https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide",
    api: { baseUrl: "https://api.hubapi.com", allowedHosts: ["api.hubapi.com", "api.hubspot.com"] },
    verify: { method: "GET", path: "/crm/v3/objects/contacts?limit=1" },
    oauth2: {
      authorizeUrl: "https://app.hubspot.com/oauth/authorize",
      tokenUrl: "https://api.hubapi.com/oauth/v3/token",
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_post",
      scopes: [
        { name: "oauth", description: "Basic OAuth access (required by every HubSpot app)", default: true },
        { name: "crm.objects.contacts.read", description: "View properties and other details about contacts", default: true },
        { name: "crm.objects.contacts.write", description: "Create, delete, or make changes to contacts", default: false },
        { name: "crm.objects.companies.read", description: "View properties and other details about companies", default: false },
        { name: "crm.objects.companies.write", description: "Create, delete, or make changes to companies", default: false },
        { name: "crm.objects.deals.read", description: "View properties and other details about deals", default: false },
        { name: "crm.objects.deals.write", description: "Create, delete, or make changes to deals", default: false },
        { name: "crm.objects.owners.read", description: "View details about users assigned to a CRM record", default: false },
      ],
    },
  },
  {
    // pipedrive.readme.io/docs/marketplace-oauth-authorization: scopes are set on
    // the app; token and revoke calls use HTTP Basic. The token response carries
    // the company's api_domain (*.pipedrive.com); api.pipedrive.com also works.
    name: "Pipedrive",
    linkName: "pipedrive",
    category: "CRM",
    description: "Deals, people and activities in Pipedrive.",
    icon: "Handshake",
    color: "#017737",
    authType: "oauth2",
    docsUrl: "https://pipedrive.readme.io/docs/marketplace-oauth-authorization",
    api: { baseUrl: "https://api.pipedrive.com", allowedHosts: ["api.pipedrive.com", "*.pipedrive.com"] },
    verify: { method: "GET", path: "/v1/users/me" },
    oauth2: {
      authorizeUrl: "https://oauth.pipedrive.com/oauth/authorize",
      tokenUrl: "https://oauth.pipedrive.com/oauth/token",
      revocationUrl: "https://oauth.pipedrive.com/oauth/revoke",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_basic",
      scopes: [],
    },
  },
  {
    // developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth:
    // permissions are set on the app; tokens do not expire. EU and AU workspaces
    // use regional API hosts.
    name: "Intercom",
    linkName: "intercom",
    category: "CRM",
    description: "Contacts, conversations and tickets in Intercom.",
    icon: "Headset",
    color: "#1F8DED",
    authType: "oauth2",
    docsUrl: "https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth",
    api: {
      baseUrl: "https://api.intercom.io",
      allowedHosts: ["api.intercom.io", "api.eu.intercom.io", "api.au.intercom.io"],
    },
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorizeUrl: "https://app.intercom.com/oauth",
      tokenUrl: "https://api.intercom.io/auth/eagle/token",
      scopeDelimiter: "space",
      pkce: false,
      tokenAuthMethod: "client_secret_post",
      scopes: [],
    },
  },
];
