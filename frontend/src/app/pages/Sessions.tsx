import { FilterButton } from "../../features/filters/components/FilterDrawer";
import { SessionCards } from "../../features/sessions/components/SessionCards";
import { tradeCaptureAction } from "../cardActions";

export function Sessions() {
  return (
    <section className="sessions">
      <header className="toolbar">
        <h2>Captured sessions</h2>
        <FilterButton />
      </header>
      <SessionCards pageSize={50} paged emptyText="No captures match the filters." actions={tradeCaptureAction} />
    </section>
  );
}
