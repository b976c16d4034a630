// The compiled route tables of the current config, by route configuration name. Tables are
// compiled once per RouteConfig object and reused while RDS leaves it unchanged.
import type { RouteConfig } from '../config/index.js';
import { createRouteTable, type RouteTable } from '../router/route-table.js';

export class RouteTables {
  private tables = new Map<string, RouteTable>();

  get(name: string): RouteTable | undefined {
    return this.tables.get(name);
  }

  /** Replaces the tables with those of `routes`, compiling only the configs that changed. */
  apply(routes: ReadonlyMap<string, RouteConfig>): void {
    const next = new Map<string, RouteTable>();
    for (const [name, config] of routes) {
      const current = this.tables.get(name);
      next.set(name, current && current.config === config ? current : createRouteTable(config));
    }
    this.tables = next;
  }

  /** Compiles an inline route configuration (an HCM's `route_config`), cached by object. */
  inline(config: RouteConfig): RouteTable {
    let table = this.inlineTables.get(config);
    if (!table) {
      table = createRouteTable(config);
      this.inlineTables.set(config, table);
    }
    return table;
  }

  private readonly inlineTables = new WeakMap<RouteConfig, RouteTable>();
}
