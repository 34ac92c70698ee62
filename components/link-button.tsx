"use client";

import { useRouter } from "next/navigation";
import { Button, type ButtonProps } from "@/components/ui/button";

/** A button (as the spec names it) that navigates; prefetches on hover like a link. */
export function LinkButton({ href, children, ...props }: ButtonProps & { href: string }) {
  const router = useRouter();
  return (
    <Button {...props} onMouseEnter={() => router.prefetch(href)} onClick={() => router.push(href)}>
      {children}
    </Button>
  );
}
