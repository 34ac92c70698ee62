/** Types of static-headers.mjs (plain JavaScript: next.config.mjs reads it without a compiler). */
export declare const PERMISSIONS_POLICY: string;
export declare const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }>;
