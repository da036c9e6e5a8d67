/**
 * Content tags: a page's data is modelled by a short string tag (what the
 * host oracle writes at the page start). Interned so a frame stores an int.
 * Tag 0 is the all-zero page, printed "0" as the oracle does.
 */
export class TagTable {
  private readonly names: string[] = ['0'];
  private readonly ids = new Map<string, number>([['0', 0]]);

  intern(tag: string): number {
    let id = this.ids.get(tag);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(tag);
      this.ids.set(tag, id);
    }
    return id;
  }

  name(id: number): string {
    return this.names[id] ?? `?${id}`;
  }
}
