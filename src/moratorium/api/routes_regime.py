"""Read-only regime routes: treaty, catalogue, merged entries, verdicts with evidence, declarations and escrow,
the inspection planner, reach queries and the map layers (countries, zones, deployments, range rings).

Everything here is a view of the treaty file plus the logs (``Node.view``); nothing is computed that a reader
could not recompute from the same logs. All of it is public: the treaty makes declarations, deployments and
verdicts visible to both parties, and the node answers readers without a key.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from typing import Annotated, Any, cast

from fastapi import FastAPI, Query, Response

from moratorium.api.node import Node
from moratorium.api.view import MERGE_ORDER
from moratorium.errors import InputError, VerificationError

__all__ = ["add_regime_routes"]

_INSPECTION_KINDS = ("inspection-request", "nonce-commitment", "nonce-reveal", "inspection-report",
                     "inspection-countersign")


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(dataclasses.asdict(value), default=str))


@lru_cache(maxsize=1)
def _countries() -> bytes:
    # the same simplified Natural Earth layer the offline HTML maps embed
    from moratorium.geo.maps import countries_geojson

    return countries_geojson().encode()


@lru_cache(maxsize=8)
def _zones(treaty_id: str, node: Node) -> dict[str, Any]:
    from moratorium.geo.export import zones_geojson

    return zones_geojson(node.treaty.zones, european_russia=node.treaty.european_russia, treaty_id=treaty_id,
                         territory=node.treaty.territorial_view)


def add_regime_routes(app: FastAPI, node: Node) -> None:
    """Register the regime views of ``node`` on ``app``."""

    @app.get("/v1/treaty", tags=["regime"])
    def treaty() -> dict[str, Any]:
        """The treaty this node operates under (parties, zones, obligations, verification rights...)."""
        out: dict[str, Any] = _plain(node.treaty)
        out.pop("path", None)  # where the server keeps the file is none of the reader's business
        return out

    @app.get("/v1/catalog", tags=["regime"])
    def catalog() -> dict[str, Any]:
        """The reference catalogue: systems, launchers and sites, every figure a sourced claim."""
        from moratorium.catalog import load_catalog

        out: dict[str, Any] = _plain(node.catalog or load_catalog())
        return out

    @app.get("/v1/state/entries", tags=["regime"])
    def merged_entries() -> dict[str, Any]:
        """Every party's entries in the merged order both nodes replay (rejected ones marked)."""
        view = node.view()
        return {"order": MERGE_ORDER, "sizes": dict(view.sizes), "entries": [e.to_json() for e in view.entries]}

    @app.get("/v1/state/verdicts", tags=["regime"])
    def verdicts() -> dict[str, Any]:
        """Compliance verdict per (party, obligation) with evidence as ``{party, seq}`` entry references."""
        view = node.view()
        return {"order": MERGE_ORDER, "sizes": dict(view.sizes), "now": view.state.now,
                "verdicts": [view.verdict_json(v) for v in view.verdicts]}

    timeline_memo: dict[str, object] = {}
    """The last timeline answer and the view it was computed from (``node.view()`` is rebuilt when a log grows)."""

    @app.get("/v1/state/timeline", tags=["regime"])
    def verdict_timeline() -> dict[str, Any]:
        """Which verdicts changed after which entry (the applied entries in merged order), and the verdict
        timeline chart as SVG (one lane per party and obligation, each change linked to its entry)."""
        from moratorium.regime.compliance import default_reach, timeline
        from moratorium.scenario import _timeline

        view = node.view()
        if timeline_memo.get("view") is view:  # the same state of the logs: the same answer
            return cast("dict[str, Any]", timeline_memo["answer"])
        applied = [e for e in view.entries if e.applied_as is not None]
        steps, _ = timeline(node.treaty, [e.signed for e in applied], catalog=node.catalog,
                            reach=default_reach(node.treaty))
        items = []
        for step, entry in zip(steps, applied, strict=True):
            item: dict[str, Any] = dict(step.to_json())
            item.update(entry.ref.to_json())  # party, seq: the entry in its author's log
            item["changes"] = [{**c, **{k: v for k, v in new.to_json().items() if k in ("perspectives", "basis")}}
                               for c, (_, new) in zip(item["changes"], step.changes, strict=True)]
            items.append(item)
        # lanes are keyed by replay position; titles and links name the entry in its author's log
        lanes = _timeline.lanes([{**it, "seq": i, "action": f"{it['party']} #{it['seq']}: {it['action']}"}
                                 for i, it in enumerate(items)])

        def href(span: _timeline.Span, lane: _timeline.Lane) -> str:
            it = items[span.seq]
            return f"log.html?party={it['party']}&seq={it['seq']}"

        answer = {"order": MERGE_ORDER, "timeline": items, "svg": _timeline.timeline_svg(lanes, href=href)}
        timeline_memo.update(view=view, answer=answer)
        return answer

    @app.get("/v1/state/holdings", tags=["regime"])
    def holdings() -> dict[str, Any]:
        """Deployments and other holdings the log establishes or alleges, with their place and evidence."""
        view = node.view()
        out = []
        for h in view.state.holdings:
            out.append({"party": h.party, "evidence": view.ref(h.seq).to_json(), "effective": h.effective,
                        "site": h.place.site, "name": h.place.name, "country": h.place.country,
                        "lat": h.place.lat, "lon": h.place.lon, "system": h.system, "launcher": h.launcher,
                        "count": h.count, "established": h.established, "source_kind": h.source_kind,
                        "observer": h.observer, "confidence": h.confidence})
        return {"holdings": out}

    @app.get("/v1/declarations", tags=["regime"])
    def declarations() -> dict[str, Any]:
        """Declared counts and holdings, and escrowed declarations with their verified reveals."""
        from moratorium.ledger import escrow

        view = node.view()
        decl = [{"evidence": view.ref(seq).to_json(), "party": party, "effective": eff, "counts": counts}
                for seq, party, eff, counts in view.state.declarations]
        escrows: dict[str, Any] = {}
        for party in [node.party, *node.mirrors]:
            entries = node.log(party).entries()
            commits = [{"seq": i, "root": e.entry.body.get("root"), "size": e.entry.body.get("size")}
                       for i, e in enumerate(entries) if e.entry.kind == escrow.COMMIT_KIND]
            try:
                reveals: Any = [{"seq": s, "item": item} for s, item in escrow.verify_escrow_entries(entries)]
            except VerificationError as exc:
                reveals = {"error": str(exc)}
            escrows[party] = {"commitments": commits, "reveals": reveals}
        return {"declarations": decl, "escrow": escrows}

    @app.get("/v1/inspections", tags=["inspections"])
    def inspections() -> dict[str, Any]:
        """The inspection planner: each right's quota in the current treaty year (as ``regime.inspections``
        counts it: from the later adoption of the two parties), what is used and left, and every inspection with
        its joint draw — the units drawn from both revealed nonces and the RFC 9162 root of the merged log prefix
        at the request — its report, the host's countersignature and any dissent or default."""
        from moratorium.regime.inspections import quota_status

        view = node.view()
        st = view.state
        rights = [{**_plain(q.right), "inspector": q.inspector, "treaty_year": q.treaty_year,
                   "quota_this_year": q.quota, "used_this_year": q.used, "left_this_year": q.left}
                  for q in quota_status(node.treaty, st)]
        records = [{
            "id": r.id, "type": r.type, "inspector": r.inspector, "inspected": r.inspected, "site": r.site,
            "requested": r.requested, "request": view.ref(r.request_seq).to_json(),
            "units": len(r.units), "sample": r.sample,
            "draw_root": r.root_at_request.hex(), "draw_size": r.size_at_request,
            "committed": sorted(r.commitments), "revealed": sorted(r.reveals),
            "drawn": list(r.drawn) if r.drawn is not None else None, "defaulted": list(r.defaulted),
            "report": view.ref(r.report_seq).to_json() if r.report_seq is not None else None,
            "countersigned": view.ref(r.countersigned).to_json() if r.countersigned is not None else None,
            "dissent": r.dissent,
        } for r in st.inspections.values()]
        entries = [{**e.to_json(), "body": dict(e.signed.entry.body)} for e in view.entries
                   if e.signed.entry.kind in _INSPECTION_KINDS]
        return {"now": st.now, "rights": rights, "inspections": records, "entries": entries,
                "draw": {"protocol": "moratorium.regime.selection (commit-reveal, SHA-256 counter-mode draw)",
                         "seed_binds": "both revealed nonces, the inspection id and the RFC 9162 root and size of "
                                       "the merged log prefix at the request"}}

    @app.get("/v1/reach", tags=["reach"])
    def reach(site: Annotated[str, Query(min_length=1, max_length=100)],
              system: Annotated[str | None, Query(max_length=100)] = None,
              claim: Annotated[str | None, Query(max_length=100)] = None,
              range_km: Annotated[float | None, Query(gt=0, le=20100)] = None,
              targets: Annotated[str, Query(pattern="^(capitals|cities)$")] = "capitals",
              min_population: Annotated[int, Query(ge=0, le=10**10)] = 0) -> dict[str, Any]:
        """Targets within range of a site (catalogue id or ``LAT,LON``) under a named range claim or a range."""
        from moratorium import geo

        try:
            point = geo.resolve_site(site, catalog=node.catalog)
            [choice] = geo.resolve_ranges(system=system, claims=(claim,) if claim else (), range_km=range_km,
                                          catalog=node.catalog)[:1]
            result = geo.reach(point, choice, targets=targets, min_population=min_population)
            ring = result.ring(180).geojson_geometry()
        except ValueError as exc:
            raise InputError(str(exc), field="site") from exc
        return {"site": dataclasses.asdict(point), "range": dataclasses.asdict(choice), "label": choice.label,
                "population": result.population, "hits": result.as_records(), "ring": ring}

    @app.get("/v1/geo/countries", tags=["map"])
    def countries() -> Response:
        """Natural Earth countries (public domain), simplified to about 5 km, as GeoJSON."""
        return Response(_countries(), media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/v1/geo/zones", tags=["map"])
    def zones() -> dict[str, Any]:
        """The treaty's zones as GeoJSON polygons."""
        return _zones(node.treaty.id, node)

    @app.get("/v1/geo/rings", tags=["map"])
    def rings() -> dict[str, Any]:
        """A range ring per (holding with a known system, range claim): whose figure draws which circle."""
        from moratorium import geo
        from moratorium.catalog import load_catalog

        cat = node.catalog or load_catalog()
        view = node.view()
        seen: set[tuple[float, float, str]] = set()
        feats = []
        for h in view.state.holdings:
            if h.system is None or h.system not in cat.systems or (h.place.lat, h.place.lon, h.system) in seen:
                continue
            seen.add((h.place.lat, h.place.lon, h.system))
            for choice in geo.resolve_ranges(system=h.system, all_claims=True, catalog=cat):
                ring = geo.range_ring(h.place.lat, h.place.lon, choice.range_km, n_vertices=120)
                feats.append({"type": "Feature", "geometry": ring.geojson_geometry(),
                              "properties": {"party": h.party, "site": h.place.name, "system": h.system,
                                             "claim": choice.claim, "claimant": choice.claimant,
                                             "range_km": choice.range_km, "label": choice.label,
                                             "evidence": view.ref(h.seq).to_json()}})
        return {"type": "FeatureCollection", "features": feats}
