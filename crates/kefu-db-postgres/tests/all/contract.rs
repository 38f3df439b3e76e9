//! The repository contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(
    contract: figures_match_the_engine,
    reimport_changes_nothing,
    messages_are_immutable,
    orders_are_replaced,
    ratings_are_replaced,
    rollback_leaves_nothing,
    store_settings_recompute,
    only_touched_conversations_are_recomputed,
    batches_in_one_import,
    sessions_match_the_analysis,
    sessions_filter_by_day_and_agent,
    transcript_shows_rounds_and_attribution,
    agents_are_listed,
    sessions_of_a_large_store,
    repeats_in_a_first_import,
);
