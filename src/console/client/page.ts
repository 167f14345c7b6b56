/** What the router hands each page. */
export interface PageContext {
  /** The path after the page's name: `#/groups/<id>` gives `[id]`. */
  rest: string[];
  params: URLSearchParams;
  /** False once the user went elsewhere: a page that finishes loading late must not draw. */
  live: () => boolean;
  /** Draws the current page again (after a change). */
  reload: () => Promise<void>;
}

export type PageRender = (view: HTMLElement, ctx: PageContext) => Promise<void>;
