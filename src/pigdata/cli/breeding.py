"""Breeding commands: herdbook checks, inbreeding, kinship, population, BLUP, REML, mating
plans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import Connection

from pigdata import csvout
from pigdata.access.principal import Principal
from pigdata.cli._common import console, fail, open_store, principal_for, progress_bar
from pigdata.cli.data import print_summary
from pigdata.config import get_settings
from pigdata.ingest.readers import UnreadableSource, read_file
from pigdata.ingest.wide import read_trait_table
from pigdata.services.intake import ingest_file

if TYPE_CHECKING:
    from pigdata.breeding.mixed.solutions import Solutions
    from pigdata.services.breeding import CheckReport

# The breeding services pull in Numba and SciPy, which take seconds to import: each command
# imports them when it runs, so that every other `pigdata` command starts as fast as before.

breeding_app = typer.Typer(
    help="系谱、近交、遗传评估与保种选配 / pedigrees, inbreeding, BLUP and mating plans",
    no_args_is_help=True,
)

Herdbook = Annotated[str, typer.Option("--herdbook", help="herdbook code (empty: the node's own)")]
Token = Annotated[
    str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="write every row as CSV")]


@contextmanager
def _session(token: str | None) -> Iterator[tuple[Connection, Principal]]:
    engine = open_store(get_settings())
    who = principal_for(engine, token)
    with engine.connect() as conn:
        yield conn, who


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csvout.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    console.print(f"{len(rows)} rows → {path}", markup=False)


def _show(header: Sequence[str], rows: Sequence[Sequence[str]], output: Path | None) -> None:
    """Write the rows to a CSV file when one is named, else print them as a table."""
    if output is not None:
        _write_csv(output, header, rows)
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@breeding_app.command("herdbooks")
def herdbooks() -> None:
    """List the herdbooks and their sizes."""
    from pigdata.services.breeding import list_herdbooks

    engine = open_store(get_settings())
    with engine.connect() as conn:
        found = list_herdbooks(conn)
    table = Table("系谱 Herdbook", "个体 Animals", "有父 With sire", "有母 With dam")
    for book in found:
        table.add_row(
            book.herdbook or "-", str(book.animals), str(book.with_sire), str(book.with_dam)
        )
    console.print(table)


@breeding_app.command("check")
def check(
    herdbook: Herdbook = "",
    file: Annotated[
        Path | None, typer.Option(help="check a pedigree file instead of the stored herdbook")
    ] = None,
) -> None:
    """Check a pedigree: duplicate IDs, unknown parents, sires used as dams, parents born
    after their offspring, animals that are their own ancestors."""
    from pigdata.services.breeding import check_herdbook

    if file is not None:
        report = _check_file(file)
    else:
        with _session(None) as (conn, _):
            report = check_herdbook(conn, herdbook)
    console.print(f"{report.animals} animals; usable: {report.usable}", markup=False)
    for finding in report.findings:
        console.print(("✗ " if finding.fatal else "! ") + finding.describe(), markup=False)
    if not report.findings:
        console.print("系谱无误 / no errors found", markup=False)
    if not report.usable:
        raise typer.Exit(1)


def _birth_year(values: dict[str, object]) -> float:
    text = str(values.get("birth_date") or values.get("birth_year") or "")
    return float(text[:4]) if text[:4].isdigit() else float("nan")


def _check_file(file: Path) -> CheckReport:
    from pigdata.services.breeding import check_file_rows

    try:
        rows = [r.values for r in read_file(file, "pedigree")]
    except UnreadableSource as error:
        raise fail(str(error)) from error
    births = [_birth_year(r) for r in rows]
    return check_file_rows(
        [str(r.get("registry_id", "")) for r in rows],
        [str(r.get("sire", "0")) for r in rows],
        [str(r.get("dam", "0")) for r in rows],
        births,
    )


@breeding_app.command("phenotypes")
def phenotypes(
    file: Annotated[Path, typer.Argument(help="wide trait table: ID and one column per trait")],
    herdbook: Herdbook = "",
    trait: Annotated[list[str] | None, typer.Option(help="traits to take (default all)")] = None,
    token: Token = None,
) -> None:
    """Ingest a wide trait table as phenotype records (one per filled trait cell)."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    rows = read_trait_table(file, trait, herdbook or None)
    with progress_bar(file.name, None) as advance:  # several records per row: no total
        try:
            summary = ingest_file(engine, settings, file, who=who, rows=rows, on_batch=advance)
        except UnreadableSource as error:
            raise fail(str(error)) from error
    print_summary(file, summary, 20)


@breeding_app.command("inbreeding")
def inbreeding_command(
    herdbook: Herdbook = "",
    limit: Annotated[int, typer.Option(help="animals to list, most inbred first")] = 20,
    output: Output = None,
    token: Token = None,
) -> None:
    """Print the inbreeding coefficients of a herdbook, most inbred first."""
    from pigdata.services.breeding import inbreeding_report

    with _session(token) as (conn, who):
        report = inbreeding_report(conn, who, herdbook, limit=limit if output is None else 10**9)
    console.print(
        f"{report.animals} animals, mean F {report.mean_inbreeding:.6f}, "
        f"{report.inbred} inbred, max F {report.max_inbreeding:.6f}, "
        f"mean equivalent generations {report.mean_equivalent_generations:.2f}",
        markup=False,
    )
    header = ("ID", "sire", "dam", "F", "ECG", "herd")
    rows = [
        (
            r.registry_id,
            r.sire or "",
            r.dam or "",
            f"{r.inbreeding:.6f}",
            f"{r.equivalent_generations:.3f}",
            r.herd or "",
        )
        for r in report.rows
    ]
    _show(header, rows, output)


@breeding_app.command("kinship")
def kinship_command(
    ids: Annotated[list[str], typer.Argument(help="the animals' IDs")],
    herdbook: Herdbook = "",
    token: Token = None,
) -> None:
    """Print the coefficients of kinship among animals (the diagonal is ½(1 + F))."""
    from pigdata.services.breeding import kinship_report

    with _session(token) as (conn, who):
        report = kinship_report(conn, who, ids, herdbook)
    table = Table("", *report.ids)
    for name, row in zip(report.ids, report.kinship, strict=True):
        table.add_row(name, *(f"{v:.6f}" for v in row))
    console.print(table)


@breeding_app.command("population")
def population_command(
    herdbook: Herdbook = "",
    year: Annotated[int | None, typer.Option(help="reference: animals born this year")] = None,
) -> None:
    """Print Ne (individual ΔF and sex ratio), the EAAP risk class, generation intervals and
    founder and ancestor contributions of a herdbook's reference population."""
    from pigdata.services.breeding import population_report

    with _session(None) as (conn, _):
        r = population_report(conn, herdbook, year)
    lines = [
        f"reference: {r.reference} ({r.reference_size} animals; {r.sires} sires, {r.dams} dams)",
        f"mean F {r.mean_inbreeding:.6f}; mean equivalent complete generations "
        f"{r.mean_equivalent_generations:.2f}; mean individual ΔF {r.mean_individual_delta_f:.6f}",
        f"Ne (individual ΔF) {r.ne_individual:.1f}; Ne (sex ratio) {r.ne_sex_ratio:.1f}",
        f"风险等级 {r.risk_class_zh} / risk class {r.risk_class} ({r.risk_scale})",
        "generation intervals (years): "
        + "; ".join(f"{i.pathway} {i.years:.2f} (n={i.count})" for i in r.generation_intervals)
        + f"; mean {r.mean_generation_interval:.2f}",
        f"f_e {r.effective_founders:.1f}; f_a {r.effective_ancestors:.1f}; f_g "
        + (f"{r.founder_genome_equivalents:.1f}" if r.founder_genome_equivalents else "-"),
        "main ancestors: " + ", ".join(f"{a.registry_id} {a.share:.4f}" for a in r.main_ancestors),
    ]
    for line in lines:
        console.print(line, markup=False)


def _matrix(text: str | None) -> list[list[float]] | None:
    # "1,0.3;0.3,0.5": rows separated by semicolons
    if text is None:
        return None
    try:
        return [[float(v) for v in row.split(",")] for row in text.split(";")]
    except ValueError as error:
        raise fail(f"矩阵格式应为 a,b;c,d / a matrix is written a,b;c,d: {text}") from error


@breeding_app.command("evaluate")
def evaluate_command(
    trait: Annotated[list[str], typer.Option(help="trait(s) to evaluate")],
    herdbook: Herdbook = "",
    h2: Annotated[float | None, typer.Option(help="heritability (one trait)")] = None,
    genetic: Annotated[str | None, typer.Option(help="G0, e.g. 1,0.3;0.3,0.5")] = None,
    residual: Annotated[str | None, typer.Option(help="R0, e.g. 2,0.4;0.4,1.5")] = None,
    fixed: Annotated[str, typer.Option(help="fixed effects: group, sex")] = "group,sex",
    limit: Annotated[int, typer.Option(help="animals to list, best first")] = 20,
    output: Output = None,
    token: Token = None,
) -> None:
    """Estimate breeding values by animal-model BLUP (PCG), single- or multi-trait."""
    from pigdata.services.breeding_plans import evaluation_report

    with _session(token) as (conn, who):
        r = evaluation_report(
            conn,
            who,
            trait,
            herdbook,
            heritability=h2,
            genetic=_matrix(genetic),
            residual=_matrix(residual),
            fixed=[f.strip() for f in fixed.split(",") if f.strip()],
            limit=limit if output is None else 10**9,
        )
    console.print(
        f"{r.records} records, {r.animals} animals, {r.equations} equations; fixed effects: "
        f"{', '.join(r.fixed_effects) or 'mean'}; PCG {r.iterations} iterations, "
        f"relative residual {r.relative_residual:.2e}; G0 {r.genetic_covariance}, "
        f"R0 {r.residual_covariance}",
        markup=False,
    )
    header = ["ID", *(f"EBV {t}" for t in r.traits), *(f"reliability {t}" for t in r.traits)]
    rows = [
        [
            b.registry_id,
            *(f"{v:.6f}" for v in b.breeding_values),
            *((f"{v:.3f}" for v in b.reliabilities) if b.reliabilities else ("",) * len(r.traits)),
        ]
        for b in r.rows
    ]
    _show(header, rows, output)


@breeding_app.command("mating")
def mating_command(
    herdbook: Herdbook = "",
    herd: Annotated[str | None, typer.Option(help="premises code of the conservation herd")] = None,
    year: Annotated[int | None, typer.Option(help="boars and sows born this year")] = None,
    output: Output = None,
    token: Token = None,
) -> None:
    """Propose the matings of least kinship under NY/T 3451 (a son per boar, a daughter per
    sow, no full- or half-sib matings), with ΔF and Ne beside random mating."""
    from pigdata.services.breeding_plans import mating_plan_report

    with _session(token) as (conn, who):
        r = mating_plan_report(conn, who, herdbook, herd, year=year)
    console.print(
        f"{r.boars} boars × {r.sows} sows ({r.rules}): mean offspring F "
        f"{r.mean_offspring_inbreeding:.5f} (random {r.random_offspring_inbreeding:.5f}); "
        f"next generation mean kinship {r.mean_kinship_next_generation:.5f} "
        f"(random {r.random_kinship_next_generation:.5f}); ΔF {r.delta_f:.5f}, Ne {r.ne:.1f} "
        f"(random ΔF {r.random_delta_f:.5f}, Ne {r.random_ne:.1f})",
        markup=False,
    )
    if r.unmatched_sows:
        console.print(f"unmatched sows: {', '.join(r.unmatched_sows)}", markup=False)
    header = ("boar", "sow", "kinship", "keep son")
    rows = [(m.boar, m.sow, f"{m.kinship:.5f}", "yes" if m.keep_son else "") for m in r.matings]
    _show(header, rows, output)


ModelFile = Annotated[Path, typer.Argument(help="the model file (TOML, docs/breeding.md)")]
TraitOption = Annotated[
    str | None, typer.Option("--trait", help="analyse this column instead of the file's trait")
]
SolutionsOption = Annotated[
    Path | None, typer.Option("--solutions", help="write every level's solution, PEV, r² (CSV)")
]


def _print_solutions_summary(found: Solutions, path: Path | None) -> None:
    from pigdata.breeding.mixed.run import write_solutions

    fixed = ", ".join(f"{n} {v:.6g}" for n, v in zip(found.fixed_names, found.fixed, strict=True))
    console.print(f"fixed: {fixed if len(found.fixed) <= 8 else f'{len(found.fixed)} levels'}")
    for e in found.effects:
        console.print(
            f"{e.name}: {e.levels.size} levels, mean reliability {e.reliability.mean():.4f}, "
            f"solutions {e.value.min():.4g} .. {e.value.max():.4g}",
            markup=False,
        )
    if path is not None:
        console.print(f"{write_solutions(path, found)} rows → {path}", markup=False)


@breeding_app.command("reml")
def reml_command(
    model_file: ModelFile,
    trait: TraitOption = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write the estimates as JSON")
    ] = None,
    solutions_file: SolutionsOption = None,
) -> None:
    """Estimate variance components by AI-REML (EM steps as fallback), printing each
    iteration; then the BLUP solutions at the estimates."""
    import json

    from pigdata.breeding.mixed.model import read_model
    from pigdata.breeding.mixed.reml import Iteration
    from pigdata.breeding.mixed.run import override, result_document, run_reml

    model = override(read_model(model_file), trait)

    def show(step: Iteration) -> None:
        values = " ".join(f"{v:.6g}" for v in step.theta)
        console.print(
            f"round {step.number:3d} {step.method:8s} -2logL {step.minus2logl:.6f}  "
            f"θ {values}  change {step.change:.2e}  {step.seconds:.2f} s",
            markup=False,
        )

    result, found, eq = run_reml(model, show)
    d = eq.design
    console.print(
        f"{model.trait}: {d.records} records ({d.dropped} left out), {eq.size} equations; "
        + ("converged" if result.converged else "NOT converged")
        + f" after {len(result.iterations)} rounds; -2logL {result.minus2logl:.4f}",
        markup=False,
    )
    table = Table("component", "variance", "SE", "ratio to σ²p", "SE")
    ratio = {r.name: r for r in result.ratios}
    for name, value, se, edge in zip(
        result.names, result.theta, result.se, result.at_boundary, strict=True
    ):
        r = ratio.get(name)
        table.add_row(
            name,
            f"{value:.6g}",
            "at the boundary" if edge else f"{se:.4g}",
            f"{r.value:.4f}" if r else "",
            f"{r.se:.4f}" if r else "",
        )
    p = ratio["phenotypic"]
    table.add_row("phenotypic", f"{p.value:.6g}", f"{p.se:.4g}", "", "")
    console.print(table)
    if output is not None:
        output.write_text(json.dumps(result_document(model, result), indent=2), encoding="utf-8")
        console.print(f"estimates → {output}", markup=False)
    _print_solutions_summary(found, solutions_file)


@breeding_app.command("blup")
def blup_command(
    model_file: ModelFile,
    variances: Annotated[
        Path | None, typer.Option(help="take the variances from a REML result file (JSON)")
    ] = None,
    trait: TraitOption = None,
    solutions_file: SolutionsOption = None,
) -> None:
    """Solve a mixed model by BLUP at given variances (the model file's, or those of a REML
    result), with each level's PEV and reliability from the sparse inverse."""
    from pigdata.breeding.mixed.model import read_model
    from pigdata.breeding.mixed.run import override, run_blup, with_result_variances

    model = override(read_model(model_file), trait)
    if variances is not None:
        model = with_result_variances(model, variances)
    found, eq = run_blup(model)
    console.print(
        f"{model.trait}: {eq.design.records} records, {eq.size} equations; "
        f"-2logL {found.minus2logl:.4f} at the given variances",
        markup=False,
    )
    _print_solutions_summary(found, solutions_file)
