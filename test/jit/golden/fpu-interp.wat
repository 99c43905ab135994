(module
 (type $0 (func (param i32 i32) (result i32)))
 (type $1 (func (param i32 i32 i32 i32 i32) (result i32)))
 (import "env" "mem" (memory $mimport$0 416 416 shared))
 (import "env" "regions" (table $timport$0 0 funcref))
 (import "env" "dispatch" (global $gimport$0 i32))
 (data $0 (global.get $gimport$0) "\00")
 (export "run" (func $0))
 (func $0 (param $0 i32) (param $1 i32) (result i32)
  (local $2 i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i64)
  (local $10 f64)
  (local $11 f64)
  (local $12 f64)
  (local $13 f64)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i32)
  (local $19 i32)
  (local.set $15
   (select
    (i32.load8_u
     (i32.add
      (global.get $gimport$0)
      (i32.and
       (i32.shr_u
        (i32.sub
         (local.get $0)
         (i32.const 4194304)
        )
        (i32.const 2)
       )
       (i32.const 2047)
      )
     )
    )
    (i32.const 1)
    (i32.lt_u
     (i32.sub
      (local.get $0)
      (i32.const 4194304)
     )
     (i32.const 4)
    )
   )
  )
  (block $block4
   (block $block5
    (block $block
     (loop $label
      (if
       (i32.lt_s
        (local.get $1)
        (i32.const 1)
       )
       (then
        (br $block)
       )
      )
      (block $block2
       (block $block1
        (br_table $block1 $block2
         (local.get $15)
        )
       )
       (block $block3
        (local.set $1
         (i32.sub
          (local.get $1)
          (i32.const 7)
         )
        )
        (local.set $7
         (i32.add
          (i32.load offset=16
           (i32.const 0)
          )
          (i32.const 0)
         )
        )
        (if
         (i32.ge_u
          (i32.and
           (local.get $7)
           (i32.const 7)
          )
          (i32.and
           (i32.load8_u offset=19922944
            (i32.shr_u
             (local.get $7)
             (i32.const 12)
            )
           )
           (i32.load8_u offset=19922944
            (i32.shr_u
             (i32.add
              (local.get $7)
              (i32.const 23)
             )
             (i32.const 12)
            )
           )
          )
         )
         (then
          (local.set $0
           (i32.const 4194304)
          )
          (br $block3)
         )
        )
        (i32.store offset=272
         (i32.const 0)
         (i32.load
          (local.get $7)
         )
        )
        (i32.store offset=280
         (i32.const 0)
         (i32.load offset=4
          (local.get $7)
         )
        )
        (local.set $7
         (i32.add
          (i32.load offset=16
           (i32.const 0)
          )
          (i32.const 8)
         )
        )
        (i32.store offset=288
         (i32.const 0)
         (i32.load
          (local.get $7)
         )
        )
        (i32.store offset=296
         (i32.const 0)
         (i32.load offset=4
          (local.get $7)
         )
        )
        (local.set $4
         (call_indirect (type $1)
          (i32.const 205)
          (i32.const 1287917601)
          (i32.const 4194312)
          (i32.const 4194316)
          (i32.const 0)
          (i32.const 0)
         )
        )
        (if
         (local.get $4)
         (then
          (local.set $4
           (i32.const 2)
          )
          (local.set $1
           (i32.add
            (local.get $1)
            (i32.const 4)
           )
          )
          (br $block4)
         )
        )
        (local.set $7
         (i32.add
          (i32.load offset=16
           (i32.const 0)
          )
          (i32.const 16)
         )
        )
        (i32.store
         (local.get $7)
         (i32.load offset=256
          (i32.const 0)
         )
        )
        (i32.store offset=4
         (local.get $7)
         (i32.load offset=264
          (i32.const 0)
         )
        )
        (i32.store offset=16
         (i32.const 0)
         (local.tee $16
          (i32.add
           (i32.load offset=16
            (i32.const 0)
           )
           (i32.const 24)
          )
         )
        )
        (local.set $6
         (i32.load offset=124
          (i32.const 0)
         )
        )
        (nop)
        (local.set $0
         (local.get $6)
        )
        (br_if $block2
         (i32.and
          (local.get $0)
          (i32.const 3)
         )
        )
        (local.set $15
         (select
          (i32.load8_u
           (i32.add
            (global.get $gimport$0)
            (i32.and
             (i32.shr_u
              (i32.sub
               (local.get $0)
               (i32.const 4194304)
              )
              (i32.const 2)
             )
             (i32.const 2047)
            )
           )
          )
          (i32.const 1)
          (i32.lt_u
           (i32.sub
            (local.get $0)
            (i32.const 4194304)
           )
           (i32.const 4)
          )
         )
        )
        (br $label)
       )
       (local.set $4
        (i32.const 1)
       )
       (local.set $2
        (i32.add
         (local.get $0)
         (i32.const 4)
        )
       )
       (local.set $3
        (i32.const 0)
       )
       (local.set $1
        (i32.add
         (local.get $1)
         (i32.shr_u
          (i32.sub
           (i32.const 4194332)
           (local.get $0)
          )
          (i32.const 2)
         )
        )
       )
       (br $block5)
      )
      (local.set $7
       (i32.and
        (i32.shl
         (local.get $0)
         (i32.const 1)
        )
        (i32.const 2097144)
       )
      )
      (if
       (i32.eq
        (i32.load offset=20971520
         (local.get $7)
        )
        (local.get $0)
       )
       (then
        (local.set $8
         (i32.load offset=20971524
          (local.get $7)
         )
        )
        (return_call_indirect (type $0)
         (local.get $0)
         (local.get $1)
         (local.get $8)
        )
       )
      )
      (local.set $4
       (i32.const 0)
      )
      (local.set $2
       (i32.add
        (local.get $0)
        (i32.const 4)
       )
      )
      (local.set $3
       (i32.const 0)
      )
      (br $block5)
     )
    )
    (local.set $4
     (i32.const 0)
    )
    (local.set $2
     (i32.add
      (local.get $0)
      (i32.const 4)
     )
    )
    (local.set $3
     (i32.const 0)
    )
   )
  )
  (i32.store offset=144
   (i32.const 0)
   (local.get $0)
  )
  (i32.store offset=148
   (i32.const 0)
   (local.get $2)
  )
  (i32.store offset=152
   (i32.const 0)
   (local.get $3)
  )
  (i32.store offset=156
   (i32.const 0)
   (local.get $1)
  )
  (return
   (local.get $4)
  )
  (unreachable)
 )
)
