import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    orgId: string;
    role: "admin" | "member";
  }
  interface Session {
    user: { id: string; email: string; name: string; orgId: string; role: "admin" | "member" };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    orgId: string;
    role: "admin" | "member";
  }
}
