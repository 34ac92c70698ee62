import type { AuthType, GrantType, ParamType } from "./enums";
import type { CustomServiceConfig } from "./service-config";
import { splitList } from "./services";

/*
 * The custom service editor's form values, and the one pair of mappers between them and
 * the stored config: `editorValuesFromConfig` fills the edit form, `serviceInputFromEditor`
 * turns the form into the shared schema's input (lib/validation/services.ts), which
 * `configFromServiceInput` (lib/validation/service-config.ts) turns into the config.
 */

export type ServiceParamRow = { name: string; displayName: string; paramType: ParamType };

/** One flat shape for every type; `serviceInputFromEditor` keeps only the chosen type's fields. */
export type ServiceEditorValues = {
  name: string;
  linkName: string;
  authType: AuthType;
  params: ServiceParamRow[];
  consumerKey: string;
  consumerSecret: string;
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  paramType: ParamType;
  grantType: GrantType;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  refreshUrl: string;
  revocationUrl: string;
  issuer: string;
  scopeText: string;
  allowedHostsText: string;
  membersMayConnect: boolean;
};

/** What the edit page knows of the stored service: never a secret, only whether one is set. */
export type ServiceEditorInitial = {
  id: string;
  values: ServiceEditorValues;
  existingParamCount: number;
  existingScopes: string[];
  hasSecret: boolean;
};

export const blankServiceEditorValues: ServiceEditorValues = {
  name: "",
  linkName: "",
  authType: "api_key",
  params: [{ name: "", displayName: "", paramType: "header" }],
  consumerKey: "",
  consumerSecret: "",
  requestTokenUrl: "",
  authorizeUrl: "",
  accessTokenUrl: "",
  paramType: "header",
  grantType: "authorization_code",
  clientId: "",
  clientSecret: "",
  tokenUrl: "",
  refreshUrl: "",
  revocationUrl: "",
  issuer: "",
  scopeText: "",
  allowedHostsText: "",
  membersMayConnect: false,
};

/** Form fields to the shared schema's input: only the chosen type's fields are sent. */
export function serviceInputFromEditor(v: ServiceEditorValues, existingScopes: string[]): Record<string, unknown> {
  const base = { name: v.name, linkName: v.linkName, authType: v.authType, allowedHosts: splitList(v.allowedHostsText) };
  switch (v.authType) {
    case "api_key":
      return { ...base, params: v.params.map(({ name, displayName, paramType }) => ({ name, displayName, paramType })) };
    case "basic":
      return base;
    case "oauth1":
      return {
        ...base,
        consumerKey: v.consumerKey,
        consumerSecret: v.consumerSecret,
        requestTokenUrl: v.requestTokenUrl,
        authorizeUrl: v.authorizeUrl,
        accessTokenUrl: v.accessTokenUrl,
        paramType: v.paramType,
      };
    case "oauth2":
      return {
        ...base,
        grantType: v.grantType,
        clientId: v.clientId,
        clientSecret: v.clientSecret,
        authorizeUrl: v.grantType === "client_credentials" ? "" : v.authorizeUrl,
        tokenUrl: v.tokenUrl,
        refreshUrl: v.refreshUrl,
        revocationUrl: v.revocationUrl,
        issuer: v.issuer,
        paramType: v.paramType,
        scopes: [...existingScopes, ...splitList(v.scopeText)],
        membersMayConnect: v.grantType === "client_credentials" && v.membersMayConnect,
      };
  }
}

/** The stored service as editor values; secret inputs start blank (blank keeps the secret). */
export function editorValuesFromConfig(service: {
  id: string;
  name: string;
  linkName: string;
  config: CustomServiceConfig;
  hasSecret: boolean;
}): ServiceEditorInitial {
  const c = service.config;
  const oauth1 = c.authType === "oauth1" ? c : undefined;
  const oauth2 = c.authType === "oauth2" ? c : undefined;
  return {
    id: service.id,
    values: {
      ...blankServiceEditorValues,
      name: service.name,
      linkName: service.linkName,
      authType: c.authType,
      params: c.authType === "api_key" ? c.params : [],
      consumerKey: oauth1?.consumerKey ?? "",
      requestTokenUrl: oauth1?.requestTokenUrl ?? "",
      authorizeUrl: oauth1?.authorizeUrl ?? oauth2?.authorizeUrl ?? "",
      accessTokenUrl: oauth1?.accessTokenUrl ?? "",
      paramType: oauth1?.paramType ?? oauth2?.paramType ?? "header",
      grantType: oauth2?.grantType ?? "authorization_code",
      clientId: oauth2?.clientId ?? "",
      tokenUrl: oauth2?.tokenUrl ?? "",
      refreshUrl: oauth2?.refreshUrl ?? "",
      revocationUrl: oauth2?.revocationUrl ?? "",
      issuer: oauth2?.issuer ?? "",
      allowedHostsText: c.allowedHosts.join(" "),
      membersMayConnect: oauth2?.membersMayConnect ?? false,
    },
    existingParamCount: c.authType === "api_key" ? c.params.length : 0,
    existingScopes: oauth2?.scopes ?? [],
    hasSecret: service.hasSecret,
  };
}
