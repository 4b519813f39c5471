// The shape of the unit tree (pure): which kind of unit may sit under which. Since 1 July 2025 local
// government has two tiers: the province, then xã / phường / đặc khu, then thôn / tổ dân phố; agencies,
// schools and enterprises sit under the level that manages them. Any kind may be a root, so that a
// deployment can start at a commune.
export const UNIT_KINDS = [
  "province", "commune", "ward", "special_zone", "village", "residential_group", "agency", "school", "enterprise",
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

const COMMUNE_LEVEL: UnitKind[] = ["commune", "ward", "special_zone"];

export const ALLOWED_PARENTS: Record<UnitKind, readonly UnitKind[]> = {
  province: [],
  commune: ["province"],
  ward: ["province"],
  special_zone: ["province"],
  village: COMMUNE_LEVEL,
  residential_group: COMMUNE_LEVEL,
  agency: ["province", ...COMMUNE_LEVEL, "agency"],
  school: ["province", ...COMMUNE_LEVEL, "agency"],
  enterprise: ["province", ...COMMUNE_LEVEL],
};

export function mayBeUnder(child: UnitKind, parent: UnitKind): boolean {
  return ALLOWED_PARENTS[child].includes(parent);
}

/** Vietnamese and English names accepted for kinds in imported files. */
const KIND_ALIASES: Record<string, UnitKind> = {
  tinh: "province", "tỉnh": "province", "thành phố": "province",
  xa: "commune", "xã": "commune", phuong: "ward", "phường": "ward", "đặc khu": "special_zone", "dac khu": "special_zone",
  thon: "village", "thôn": "village", "ấp": "village", "bản": "village", "tổ dân phố": "residential_group", "to dan pho": "residential_group",
  "cơ quan": "agency", "co quan": "agency", "trường": "school", "truong": "school", "trường học": "school",
  "doanh nghiệp": "enterprise", "doanh nghiep": "enterprise",
};

export function parseKind(text: string): UnitKind | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  if ((UNIT_KINDS as readonly string[]).includes(t)) return t as UnitKind;
  return KIND_ALIASES[t.normalize("NFC")];
}

export interface TreeNode<T> {
  unit: T;
  children: TreeNode<T>[];
}

/** Nests flat units (id, parentId) into trees whose roots are the units whose parent is not in the list. */
export function nest<T extends { id: string; parentId: string | null; code: string }>(units: T[]): TreeNode<T>[] {
  const nodes = new Map(units.map((u) => [u.id, { unit: u, children: [] as TreeNode<T>[] }]));
  const roots: TreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentId ? nodes.get(node.unit.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: TreeNode<T>[]) => {
    list.sort((a, b) => a.unit.code.localeCompare(b.unit.code));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}
