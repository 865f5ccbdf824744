/*
 * optimize.c: the IR optimizer.
 *
 * A forward pass folds constants, simplifies algebra, propagates copies and forwards guest
 * state: a GET of a field whose value the block already holds in a temp (from an earlier
 * GET or SET) becomes that temp. What is known survives a label when every way into it
 * (the branches to it and the fall-through) knows the field in the same temp: temps are
 * defined once, so that temp was computed before the paths split. This keeps the flags and
 * registers of conditionally executed instructions in temps.
 *
 * A backward pass removes SETs that a later SET of the same field overwrites before
 * anything can observe it (a GET, a memory access or helper call that may fault, an exit)
 * - this is what removes dead flag computations - and then every temp whose value is
 * never used.
 */
#include "jit/ir.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

typedef struct field_value {
    uint32_t offset;
    bb_ir_temp temp;
} field_value;

/* The guest fields whose values are held in temps at one point of the block. */
typedef struct known_fields {
    field_value known[MAX_FIELDS];
    int n_known;
} known_fields;

/* Per label: what every branch to it seen so far knows (merged), and whether any branch
 * reaches it. */
typedef struct label_state {
    known_fields fields;
    bool reached;
} label_state;

typedef struct forward_state {
    bb_ir_temp *repl; /* temp -> the temp that replaces it (0: itself) */
    uint8_t *is_const;
    uint32_t *const_val;
    field_value known[MAX_FIELDS];
    int n_known;
    label_state *labels; /* NULL: labels forget everything (a backward branch exists) */
} forward_state;

static bb_ir_temp resolve(const forward_state *fs, bb_ir_temp t)
{
    while (t && fs->repl[t])
        t = fs->repl[t];
    return t;
}

static void forget_fields(forward_state *fs)
{
    fs->n_known = 0;
}

static bb_ir_temp known_field(const forward_state *fs, uint32_t offset)
{
    for (int i = 0; i < fs->n_known; i++)
        if (fs->known[i].offset == offset) return fs->known[i].temp;
    return 0;
}

static void remember_field(forward_state *fs, uint32_t offset, bb_ir_temp temp)
{
    for (int i = 0; i < fs->n_known; i++) {
        if (fs->known[i].offset == offset) {
            fs->known[i].temp = temp;
            return;
        }
    }
    if (fs->n_known == MAX_FIELDS) fs->n_known = 0; /* rare: start over */
    fs->known[fs->n_known].offset = offset;
    fs->known[fs->n_known].temp = temp;
    fs->n_known++;
}

/* Keeps only the fields that `other` holds in the same temp. */
static void intersect_fields(field_value *known, int *n_known, const known_fields *other)
{
    int out = 0;
    for (int i = 0; i < *n_known; i++) {
        bool same = false;
        for (int k = 0; k < other->n_known && !same; k++)
            same =
                other->known[k].offset == known[i].offset && other->known[k].temp == known[i].temp;
        if (same) known[out++] = known[i];
    }
    *n_known = out;
}

/* A branch to `label` leaves with what the block knows now. */
static void branch_to(forward_state *fs, uint32_t label)
{
    if (!fs->labels) return;
    label_state *ls = &fs->labels[label];
    if (!ls->reached) {
        memcpy(ls->fields.known, fs->known, sizeof(fs->known[0]) * (size_t)fs->n_known);
        ls->fields.n_known = fs->n_known;
        ls->reached = true;
    } else {
        known_fields now;
        memcpy(now.known, fs->known, sizeof(fs->known[0]) * (size_t)fs->n_known);
        now.n_known = fs->n_known;
        intersect_fields(ls->fields.known, &ls->fields.n_known, &now);
    }
}

/* At `label`: what both the fall-through (if it reaches the label) and the branches know. */
static void arrive_at_label(forward_state *fs, uint32_t label, bool fall_through)
{
    if (!fs->labels) {
        forget_fields(fs);
        return;
    }
    const label_state *ls = &fs->labels[label];
    if (!fall_through) {
        if (ls->reached) {
            memcpy(fs->known, ls->fields.known, sizeof(fs->known[0]) * (size_t)ls->fields.n_known);
            fs->n_known = ls->fields.n_known;
        } else {
            forget_fields(fs);
        }
        return;
    }
    if (ls->reached) intersect_fields(fs->known, &fs->n_known, &ls->fields);
}

/* Label states work only when every branch goes forward (a label after its branches). */
static label_state *label_states_for(const bb_ir_block *blk)
{
    if (blk->n_labels <= 0) return NULL;
    bool *placed = calloc((size_t)blk->n_labels, sizeof(bool));
    if (!placed) return NULL;
    bool forward_only = true;
    for (int i = 0; i < blk->n_insns && forward_only; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        bool branch = in->op == BB_IR_BR || in->op == BB_IR_BRZ || in->op == BB_IR_BRNZ;
        if ((branch || in->op == BB_IR_LABEL) && in->imm >= (uint32_t)blk->n_labels)
            forward_only = false;
        else if (in->op == BB_IR_LABEL)
            placed[in->imm] = true;
        else if (branch && placed[in->imm])
            forward_only = false;
    }
    free(placed);
    return forward_only ? calloc((size_t)blk->n_labels, sizeof(label_state)) : NULL;
}

static bool is_pure_op(bb_ir_op op)
{
    return (op >= BB_IR_MOV && op <= BB_IR_SELECT);
}

static void make_const(forward_state *fs, bb_ir_insn *in, uint32_t value)
{
    in->op = BB_IR_CONST;
    in->a = in->b = in->c = 0;
    in->imm = value;
    fs->is_const[in->dst] = 1;
    fs->const_val[in->dst] = value;
}

static void make_copy(forward_state *fs, bb_ir_insn *in, bb_ir_temp source)
{
    fs->repl[in->dst] = source;
    in->op = BB_IR_NOP;
}

/* Identities with one constant operand. Returns true when the instruction was rewritten. */
static bool simplify(forward_state *fs, bb_ir_insn *in)
{
    bool ca = in->a && fs->is_const[in->a], cb = in->b && fs->is_const[in->b];
    uint32_t va = ca ? fs->const_val[in->a] : 0, vb = cb ? fs->const_val[in->b] : 0;
    switch (in->op) {
    case BB_IR_ADD:
    case BB_IR_OR:
    case BB_IR_XOR:
        if (cb && vb == 0) return make_copy(fs, in, in->a), true;
        if (ca && va == 0) return make_copy(fs, in, in->b), true;
        break;
    case BB_IR_SUB:
    case BB_IR_SHL:
    case BB_IR_SHR:
    case BB_IR_SAR:
    case BB_IR_ROR:
    case BB_IR_ANDN:
        if (cb && vb == 0) return make_copy(fs, in, in->a), true;
        break;
    case BB_IR_AND:
        if ((ca && va == 0) || (cb && vb == 0)) return make_const(fs, in, 0), true;
        if (cb && vb == 0xffffffffu) return make_copy(fs, in, in->a), true;
        if (ca && va == 0xffffffffu) return make_copy(fs, in, in->b), true;
        break;
    case BB_IR_MUL:
        if ((ca && va == 0) || (cb && vb == 0)) return make_const(fs, in, 0), true;
        if (cb && vb == 1) return make_copy(fs, in, in->a), true;
        break;
    case BB_IR_SELECT:
        if (in->c && fs->is_const[in->c])
            return make_copy(fs, in, fs->const_val[in->c] ? in->a : in->b), true;
        if (in->a == in->b) return make_copy(fs, in, in->a), true;
        break;
    default: break;
    }
    return false;
}

static void forward_pass(bb_ir_block *blk, forward_state *fs)
{
    bool unreachable = false;
    for (int i = 0; i < blk->n_insns; i++) {
        bb_ir_insn *in = &blk->insns[i];
        if (in->op == BB_IR_LABEL) {
            arrive_at_label(fs, in->imm, !unreachable);
            unreachable = false;
            continue;
        }
        if (unreachable) {
            in->op = BB_IR_NOP;
            continue;
        }
        in->a = resolve(fs, in->a);
        in->b = resolve(fs, in->b);
        in->c = resolve(fs, in->c);
        switch (in->op) {
        case BB_IR_CONST:
            fs->is_const[in->dst] = 1;
            fs->const_val[in->dst] = in->imm;
            break;
        case BB_IR_GET: {
            bb_ir_temp held = known_field(fs, in->imm);
            if (held)
                make_copy(fs, in, held);
            else
                remember_field(fs, in->imm, in->dst);
            break;
        }
        case BB_IR_SET: remember_field(fs, in->imm, in->a); break;
        case BB_IR_CALL:
            if (!(blk->helpers[in->imm].flags & BB_HELPER_PURE)) forget_fields(fs);
            break;
        case BB_IR_BRZ:
        case BB_IR_BRNZ:
            if (fs->is_const[in->a]) {
                bool taken = (fs->const_val[in->a] != 0) == (in->op == BB_IR_BRNZ);
                in->op = taken ? BB_IR_BR : BB_IR_NOP;
                in->a = 0;
                if (taken) {
                    branch_to(fs, in->imm);
                    unreachable = true;
                }
            } else {
                branch_to(fs, in->imm);
            }
            break;
        case BB_IR_BR:
            branch_to(fs, in->imm);
            unreachable = true;
            break;
        case BB_IR_EXIT_JUMP:
        case BB_IR_EXIT_IND:
        case BB_IR_EXIT_LOOP: unreachable = true; break;
        default:
            if (!is_pure_op(in->op)) break;
            if (in->op == BB_IR_MOV) {
                make_copy(fs, in, in->a);
                break;
            }
            {
                int arity = bb_ir_op_arity(in->op);
                bool all_const = (arity < 1 || fs->is_const[in->a]) &&
                                 (arity < 2 || fs->is_const[in->b]) &&
                                 (arity < 3 || fs->is_const[in->c]);
                if (all_const) {
                    make_const(fs, in,
                               bb_ir_eval(in->op, fs->const_val[in->a], fs->const_val[in->b],
                                          fs->const_val[in->c]));
                    break;
                }
            }
            simplify(fs, in);
            break;
        }
    }
}

/* Dead guest-state writes: the set of fields whose current value is overwritten later
 * with nothing observing it in between, tracked backwards. */
typedef struct dead_set {
    uint32_t offsets[MAX_FIELDS];
    int n;
} dead_set;

static bool dead_has(const dead_set *d, uint32_t off)
{
    for (int i = 0; i < d->n; i++)
        if (d->offsets[i] == off) return true;
    return false;
}

static void dead_add(dead_set *d, uint32_t off)
{
    if (!dead_has(d, off) && d->n < MAX_FIELDS) d->offsets[d->n++] = off;
}

static void dead_remove(dead_set *d, uint32_t off)
{
    for (int i = 0; i < d->n; i++) {
        if (d->offsets[i] == off) {
            d->offsets[i] = d->offsets[--d->n];
            return;
        }
    }
}

static void dead_intersect(dead_set *d, const dead_set *other)
{
    for (int i = 0; i < d->n;) {
        if (!dead_has(other, d->offsets[i]))
            d->offsets[i] = d->offsets[--d->n];
        else
            i++;
    }
}

static void backward_pass(bb_ir_block *blk, uint8_t *used)
{
    dead_set dead = {.n = 0};
    dead_set *at_label = calloc((size_t)blk->n_labels + 1, sizeof(dead_set));
    if (!at_label) return;
    for (int i = blk->n_insns - 1; i >= 0; i--) {
        bb_ir_insn *in = &blk->insns[i];
        switch (in->op) {
        case BB_IR_NOP:
        case BB_IR_INSN_START: continue;
        case BB_IR_EXIT_JUMP:
        case BB_IR_EXIT_IND:
        case BB_IR_EXIT_LOOP:
        case BB_IR_LOAD:
        case BB_IR_STORE: dead.n = 0; break;
        case BB_IR_CALL:
            if (!(blk->helpers[in->imm].flags & BB_HELPER_PURE)) dead.n = 0;
            break;
        case BB_IR_LABEL: at_label[in->imm] = dead; continue;
        case BB_IR_BR: dead = at_label[in->imm]; continue;
        case BB_IR_BRZ:
        case BB_IR_BRNZ: dead_intersect(&dead, &at_label[in->imm]); break;
        case BB_IR_SET:
            if (dead_has(&dead, in->imm)) {
                in->op = BB_IR_NOP;
                continue;
            }
            dead_add(&dead, in->imm);
            break;
        case BB_IR_GET:
            if (!used[in->dst]) {
                in->op = BB_IR_NOP;
                continue;
            }
            dead_remove(&dead, in->imm);
            break;
        default: break;
        }
        bool removable = is_pure_op(in->op) || in->op == BB_IR_CONST || in->op == BB_IR_GET ||
                         (in->op == BB_IR_CALL && (blk->helpers[in->imm].flags & BB_HELPER_PURE));
        if (removable && !used[in->dst]) {
            in->op = BB_IR_NOP;
            continue;
        }
        if (in->a) used[in->a] = 1;
        if (in->b) used[in->b] = 1;
        if (in->c) used[in->c] = 1;
    }
    free(at_label);
}

static void compact(bb_ir_block *blk)
{
    int out = 0;
    for (int i = 0; i < blk->n_insns; i++)
        if (blk->insns[i].op != BB_IR_NOP) blk->insns[out++] = blk->insns[i];
    blk->n_insns = out;
}

void bb_ir_optimize(bb_ir_block *blk)
{
    size_t n = (size_t)blk->n_temps + 1;
    forward_state fs;
    memset(&fs, 0, sizeof(fs));
    fs.repl = calloc(n, sizeof(*fs.repl));
    fs.is_const = calloc(n, 1);
    fs.const_val = calloc(n, sizeof(*fs.const_val));
    uint8_t *used = calloc(n, 1);
    fs.labels = label_states_for(blk);
    if (fs.repl && fs.is_const && fs.const_val && used) {
        forward_pass(blk, &fs);
        backward_pass(blk, used);
        compact(blk);
    }
    free(fs.repl);
    free(fs.is_const);
    free(fs.const_val);
    free(fs.labels);
    free(used);
}
