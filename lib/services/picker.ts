import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { catalogCategories } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { authTypeLabels } from "@/lib/validation/enums";
import { listCustomServices } from "./list-custom";

/** What "Pick your Service" shows: the catalogue by category, and the organization's custom services. */
export async function pickerServices(db: Db, actor: Actor) {
  const custom = await listCustomServices(db, actor);
  return {
    services: catalogCategories(serviceCatalog()).flatMap((g) =>
      g.entries.map((e) => ({
        linkName: e.linkName,
        name: e.name,
        category: g.category,
        description: e.description,
        icon: e.icon,
        color: e.color,
        authLabel: authTypeLabels[e.authType],
      })),
    ),
    custom: custom.map((c) => ({
      id: c.id,
      linkName: c.linkName,
      name: c.name,
      authLabel: authTypeLabels[c.authType],
      creatorName: c.creatorName,
      canEdit: c.createdBy === actor.id,
    })),
  };
}
