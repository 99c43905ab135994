/* callbench: a call-heavy workload for the JIT bench (issue 10), written to be unlike the code the
 * JIT was tuned on: many small functions calling each other (spread over several pages by
 * -fno-inline and their number), a linked list walked through function pointers, a binary
 * search tree built and searched recursively, a bytecode interpreter whose dispatch is a switch
 * (a jump table), qsort with a comparator callback, and a string hash table.
 *   callbench N   runs N rounds (N=1 is ~0.2 G instructions); prints a checksum per part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

/* ---- a linked list of shapes, each with an operation pointer ---- */
struct node {
  struct node *next;
  int value;
  int (*op)(int, int);
};
static NOINLINE int op_add(int a, int b) { return a + b; }
static NOINLINE int op_sub(int a, int b) { return a - b; }
static NOINLINE int op_xor(int a, int b) { return a ^ (b << 1); }
static NOINLINE int op_mix(int a, int b) { return a * 31 + b; }
static NOINLINE int op_max(int a, int b) { return a > b ? a : b; }
static int (*const ops[])(int, int) = {op_add, op_sub, op_xor, op_mix, op_max};

static NOINLINE struct node *list_build(int count, unsigned seed) {
  struct node *head = NULL;
  for (int i = 0; i < count; i++) {
    struct node *n = malloc(sizeof *n);
    seed = seed * 1103515245u + 12345u;
    n->value = (int)(seed >> 16) & 0x7fff;
    n->op = ops[(seed >> 8) % 5];
    n->next = head;
    head = n;
  }
  return head;
}
static NOINLINE int list_fold(const struct node *n, int acc) {
  for (; n; n = n->next) acc = n->op(acc, n->value);
  return acc;
}
static NOINLINE void list_free(struct node *n) {
  while (n) {
    struct node *next = n->next;
    free(n);
    n = next;
  }
}

/* ---- a binary search tree, recursive insert / lookup / sum ---- */
struct tree {
  struct tree *left, *right;
  unsigned key;
};
static NOINLINE struct tree *tree_insert(struct tree *t, unsigned key) {
  if (!t) {
    t = calloc(1, sizeof *t);
    t->key = key;
    return t;
  }
  if (key < t->key) t->left = tree_insert(t->left, key);
  else if (key > t->key) t->right = tree_insert(t->right, key);
  return t;
}
static NOINLINE int tree_contains(const struct tree *t, unsigned key) {
  if (!t) return 0;
  if (key == t->key) return 1;
  return tree_contains(key < t->key ? t->left : t->right, key);
}
static NOINLINE unsigned tree_sum(const struct tree *t, int depth) {
  if (!t) return 0;
  return t->key * (unsigned)depth + tree_sum(t->left, depth + 1) + tree_sum(t->right, depth + 1);
}
static NOINLINE void tree_free(struct tree *t) {
  if (!t) return;
  tree_free(t->left);
  tree_free(t->right);
  free(t);
}

/* ---- a small stack machine: switch dispatch ---- */
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, POP, HALT, CALL, RET, AND, SHL };
static NOINLINE int vm_run(const int *code, int arg) {
  int stack[64], sp = 0, pc = 0, rstack[16], rsp = 0;
  stack[sp++] = arg;
  for (;;) {
    switch (code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case SHL: sp--; stack[sp - 1] <<= (stack[sp] & 31); break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case JNZ: { int target = code[pc++]; if (stack[--sp]) pc = target; break; }
      case DEC: stack[sp - 1]--; break;
      case POP: sp--; break;
      case CALL: rstack[rsp++] = pc + 1; pc = code[pc]; break;
      case RET: pc = rstack[--rsp]; break;
      case HALT: return stack[sp - 1];
      default: return -1;
    }
  }
}
/* acc = arg; n = 200; do { acc = f(acc) } while (--n); f(x) = (x * 3 + 7) & 0xffff ^ ... */
static const int program[] = {
  /* 0 */ PUSH, 0, SWAP,           /* stack: 0(acc?) */
  /* 3 */ PUSH, 200,               /* counter */
  /* 5 */ SWAP, CALL, 20, SWAP, DEC, DUP, JNZ, 5,
  /* 13 */ POP, HALT, HALT, HALT, HALT, HALT, HALT,
  /* 20: f */ PUSH, 3, MUL, PUSH, 7, ADD, PUSH, 0xffff, AND, DUP, PUSH, 3, SHL, ADD, RET,
};

/* ---- qsort with a comparator, a string hash table ---- */
static NOINLINE int compare_keys(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}
static NOINLINE unsigned hash_string(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}
#define BUCKETS 256
struct entry {
  struct entry *next;
  char key[16];
  int count;
};
static NOINLINE struct entry *table_find(struct entry **table, const char *key) {
  for (struct entry *e = table[hash_string(key) % BUCKETS]; e; e = e->next)
    if (strcmp(e->key, key) == 0) return e;
  return NULL;
}
static NOINLINE void table_add(struct entry **table, const char *key) {
  struct entry *e = table_find(table, key);
  if (e) {
    e->count++;
    return;
  }
  e = calloc(1, sizeof *e);
  strncpy(e->key, key, sizeof e->key - 1);
  e->count = 1;
  unsigned b = hash_string(key) % BUCKETS;
  e->next = table[b];
  table[b] = e;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 1;
  unsigned list_check = 0, tree_check = 0, vm_check = 0, sort_check = 0, table_check = 0;
  for (int round = 0; round < rounds; round++) {
    struct node *list = list_build(2000, 17u + round);
    for (int pass = 0; pass < 60; pass++) list_check += (unsigned)list_fold(list, pass);
    list_free(list);

    struct tree *tree = NULL;
    unsigned seed = 99u + round;
    for (int i = 0; i < 4000; i++) {
      seed = seed * 1664525u + 1013904223u;
      tree = tree_insert(tree, seed >> 12);
    }
    for (int i = 0; i < 8000; i++) {
      seed = seed * 1664525u + 1013904223u;
      tree_check += tree_contains(tree, (seed >> 12) & 0xfffff) + (unsigned)i;
    }
    tree_check += tree_sum(tree, 1);
    tree_free(tree);

    for (int i = 0; i < 300; i++) vm_check = vm_check * 7 + (unsigned)vm_run(program, i + round);

    unsigned keys[3000];
    for (int i = 0; i < 3000; i++) {
      seed = seed * 1664525u + 1013904223u;
      keys[i] = seed >> 8;
    }
    qsort(keys, 3000, sizeof keys[0], compare_keys);
    for (int i = 0; i < 3000; i += 7) sort_check = sort_check * 3 + keys[i];

    struct entry *table[BUCKETS] = {0};
    char word[16];
    for (int i = 0; i < 6000; i++) {
      seed = seed * 1664525u + 1013904223u;
      snprintf(word, sizeof word, "w%u", (seed >> 20) % 1500);
      table_add(table, word);
    }
    for (int b = 0; b < BUCKETS; b++) {
      for (struct entry *e = table[b], *next; e; e = next) {
        next = e->next;
        table_check = table_check * 5 + (unsigned)e->count + hash_string(e->key);
        free(e);
      }
    }
  }
  printf("list %u\ntree %u\nvm %u\nsort %u\ntable %u\n", list_check, tree_check, vm_check, sort_check, table_check);
  return 0;
}
