"use server";

import { z } from "zod";
import { action } from "./action";
import { runConsoleScript } from "@/lib/console/run-console-script";

const runSchema = z.object({ source: z.string().max(100_000, "A script can contain up to 100,000 characters") });

export const runScriptAction = action(runSchema, async ({ source }, { actor, db }) => runConsoleScript(db, actor, source));
