/** Types of next.config.mjs (plain JavaScript: the production start reads it without a compiler). */
import type { NextConfig } from "next";

declare const nextConfig: NextConfig;
export default nextConfig;
