import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

// Options are built per request so that the secret and database are read only at run time, never at build.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(request as never, context as never, authOptions());
}

export { handler as GET, handler as POST };
