import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";
import { ScriptConsole } from "@/components/script-console";

export const metadata: Metadata = { title: "Script console" };

export default async function ConsolePage() {
  await requireActor();
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Script console</h1>
        <p className="mt-1 text-sm text-slate-600">
          Run Deluge <code>invokeurl</code> tasks through your connections, as a script would, and see what <code>info</code>{" "}
          prints.
        </p>
      </div>
      <ScriptConsole />
    </div>
  );
}
