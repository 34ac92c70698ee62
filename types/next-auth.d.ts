import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    orgId: string;
    role: "admin" | "member";
    sessionEpoch: number;
  }
  interface Session {
    user: { id: string; email: string; name: string; orgId: string; role: "admin" | "member" };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    orgId: string;
    role: "admin" | "member";
    /** The user's session epoch at sign-in (docs/security.md "Sessions"). */
    epoch?: number;
  }
}
