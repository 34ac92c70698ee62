import "server-only";
import { DomainError, statusOf } from "@/lib/errors";

export type ErrorBody = { error: { code: string; message: string } };

/**
 * The HTTP answer of an error: `{ error: { code, message } }` with the status of its code
 * (lib/errors/codes.ts). Anything that is not a DomainError becomes a bare 500 that says
 * nothing of what went wrong, since its message may hold a secret.
 */
export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    return { status: statusOf(error.code), body: { error: { code: error.code, message: error.message } } };
  }
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side" } } };
}
