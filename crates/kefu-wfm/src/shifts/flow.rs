//! A minimum-cost circulation with lower and upper bounds on every arc and
//! integer costs of any sign, by successive shortest paths (Dijkstra with
//! Johnson's potentials) on the residual network.
//!
//! Each arc starts at its lower bound when its cost is zero or more and at
//! its upper bound when its cost is negative; then every residual arc with
//! room left costs zero or more, so zero potentials are valid. The
//! imbalances this leaves are routed from a super source to a super sink
//! along shortest paths. When all of them are routed the flow is a
//! circulation of least cost (a flow is optimal exactly when its residual
//! network has no negative cycle, which the potentials certify); when some
//! cannot be routed no circulation within the bounds exists. All numbers
//! are integers, so the flow found is integral.

/// An arc of the network: flow from `from` to `to` within
/// `lower..=upper`, at `cost` a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arc {
    /// The tail.
    pub from: usize,
    /// The head.
    pub to: usize,
    /// The least flow.
    pub lower: i64,
    /// The most flow.
    pub upper: i64,
    /// The cost of a unit of flow.
    pub cost: i64,
}

/// A residual edge.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    room: i64,
    cost: i64,
    /// The index of the reverse edge in `to`'s list.
    rev: usize,
}

/// The least-cost circulation on `nodes` nodes: the flow of each arc and
/// the total cost; `None` when no circulation keeps every bound.
pub(crate) fn min_cost_circulation(nodes: usize, arcs: &[Arc]) -> Option<(Vec<i64>, i64)> {
    if arcs.iter().any(|a| a.lower > a.upper) {
        return None;
    }
    let (source, sink) = (nodes, nodes + 1);
    let mut graph: Vec<Vec<Edge>> = vec![Vec::new(); nodes + 2];
    let mut excess = vec![0i64; nodes];
    let mut base = Vec::with_capacity(arcs.len());
    let mut place = Vec::with_capacity(arcs.len());
    for a in arcs {
        let start = if a.cost < 0 { a.upper } else { a.lower };
        base.push(start);
        excess[a.to] += start;
        excess[a.from] -= start;
        // Forward room upper − start at +cost, backward room start − lower
        // at −cost: whichever has room costs zero or more.
        let fwd = add_edge(&mut graph, a.from, a.to, a.upper - start, a.cost);
        graph[a.to][fwd.1].room = start - a.lower;
        place.push(fwd);
    }
    let mut need = 0i64;
    for (v, &e) in excess.iter().enumerate() {
        if e > 0 {
            add_edge(&mut graph, source, v, e, 0);
            need += e;
        } else if e < 0 {
            add_edge(&mut graph, v, sink, -e, 0);
        }
    }
    let n = nodes + 2;
    let mut potential = vec![0i64; n];
    while need > 0 {
        let (dist, prev) = shortest_paths(&graph, source, &potential);
        if dist[sink] == i64::MAX {
            return None;
        }
        for v in 0..n {
            if dist[v] != i64::MAX {
                potential[v] += dist[v];
            }
        }
        let mut push = need;
        let mut v = sink;
        while v != source {
            let (u, i) = prev[v]?;
            push = push.min(graph[u][i].room);
            v = u;
        }
        let mut v = sink;
        while v != source {
            let (u, i) = prev[v]?;
            graph[u][i].room -= push;
            let rev = graph[u][i].rev;
            graph[v][rev].room += push;
            v = u;
        }
        need -= push;
    }
    let mut flows = Vec::with_capacity(arcs.len());
    let mut cost = 0i64;
    for ((a, &(i, _)), &start) in arcs.iter().zip(&place).zip(&base) {
        // The forward edge's room is upper − flow.
        let flow = a.upper - graph[a.from][i].room;
        debug_assert!(flow >= a.lower && flow <= a.upper && start >= a.lower);
        cost += flow * a.cost;
        flows.push(flow);
    }
    Some((flows, cost))
}

/// Adds an edge and its reverse (no room): the edge's index in its tail's
/// list and the reverse's in its head's.
fn add_edge(
    graph: &mut [Vec<Edge>],
    from: usize,
    to: usize,
    room: i64,
    cost: i64,
) -> (usize, usize) {
    let (i, j) = (graph[from].len(), graph[to].len() + usize::from(from == to));
    graph[from].push(Edge {
        to,
        room,
        cost,
        rev: j,
    });
    graph[to].push(Edge {
        to: from,
        room: 0,
        cost: -cost,
        rev: i,
    });
    (i, j)
}

/// Dijkstra on reduced costs from `source`: distances (reduced) and each
/// node's predecessor edge.
fn shortest_paths(
    graph: &[Vec<Edge>],
    source: usize,
    potential: &[i64],
) -> (Vec<i64>, Vec<Option<(usize, usize)>>) {
    let n = graph.len();
    let mut dist = vec![i64::MAX; n];
    let mut prev = vec![None; n];
    let mut done = vec![false; n];
    dist[source] = 0;
    let mut heap = std::collections::BinaryHeap::new();
    heap.push(std::cmp::Reverse((0i64, source)));
    while let Some(std::cmp::Reverse((d, u))) = heap.pop() {
        if done[u] || d > dist[u] {
            continue;
        }
        done[u] = true;
        for (i, e) in graph[u].iter().enumerate() {
            if e.room <= 0 {
                continue;
            }
            let reduced = e.cost + potential[u] - potential[e.to];
            let nd = d + reduced;
            if nd < dist[e.to] {
                dist[e.to] = nd;
                prev[e.to] = Some((u, i));
                heap.push(std::cmp::Reverse((nd, e.to)));
            }
        }
    }
    (dist, prev)
}
