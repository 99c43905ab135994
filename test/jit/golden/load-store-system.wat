(module
 (type $0 (func (param i32 i32 i32 i32 i32) (result i32)))
 (type $1 (func (param i32 i32 i32) (result i32)))
 (type $2 (func (param i32 i32 i32 i32) (result i32)))
 (type $3 (func (param i32) (result i32)))
 (type $4 (func (param i32 i32) (result i32)))
 (import "env" "mem" (memory $mimport$0 32 65536))
 (import "env" "state" (global $gimport$0 (mut i32)))
 (import "env" "interp" (func $fimport$0 (param i32 i32 i32 i32 i32) (result i32)))
 (import "env" "enter" (func $fimport$1 (param i32 i32 i32) (result i32)))
 (import "env" "refill" (func $fimport$2 (param i32 i32 i32 i32) (result i32)))
 (import "env" "prepareStore" (func $fimport$3 (param i32) (result i32)))
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
  (local.set $16
   (global.get $gimport$0)
  )
  (if
   (i32.or
    (i32.or
     (i32.ne
      (i32.load offset=168
       (local.get $16)
      )
      (i32.const 0)
     )
     (i32.ne
      (i32.load offset=4096
       (i32.add
        (local.get $16)
        (i32.shl
         (i32.and
          (i32.shr_u
           (local.get $0)
           (i32.const 12)
          )
          (i32.const 255)
         )
         (i32.const 2)
        )
       )
      )
      (i32.and
       (local.get $0)
       (i32.const -4093)
      )
     )
    )
    (i32.ne
     (i32.shr_u
      (i32.add
       (local.get $0)
       (i32.load offset=13312
        (i32.add
         (local.get $16)
         (i32.shl
          (i32.and
           (i32.shr_u
            (local.get $0)
            (i32.const 12)
           )
           (i32.const 255)
          )
          (i32.const 2)
         )
        )
       )
      )
      (i32.const 12)
     )
     (i32.const 1025)
    )
   )
   (then
    (i32.store offset=144
     (local.get $16)
     (local.get $0)
    )
    (i32.store offset=148
     (local.get $16)
     (i32.add
      (local.get $0)
      (i32.const 4)
     )
    )
    (i32.store offset=152
     (local.get $16)
     (i32.const 0)
    )
    (i32.store offset=156
     (local.get $16)
     (local.get $1)
    )
    (return
     (i32.const 0)
    )
   )
  )
  (block $block3
   (block $block4
    (block $block2
     (loop $label
      (block $block1
       (block $block
        (br_table $block $block1
         (i32.shr_u
          (i32.sub
           (local.get $0)
           (i32.const 4194304)
          )
          (i32.const 2)
         )
        )
       )
       (if
        (i32.lt_s
         (local.get $1)
         (i32.const 5)
        )
        (then
         (local.set $0
          (i32.const 4194304)
         )
         (br $block2)
        )
       )
       (local.set $1
        (i32.sub
         (local.get $1)
         (i32.const 5)
        )
       )
       (local.set $7
        (i32.add
         (i32.load offset=16
          (local.get $16)
         )
         (i32.const 0)
        )
       )
       (if
        (if (result i32)
         (i32.ne
          (i32.load offset=2048
           (i32.add
            (local.get $16)
            (i32.shl
             (i32.and
              (i32.shr_u
               (local.get $7)
               (i32.const 12)
              )
              (i32.const 255)
             )
             (i32.const 2)
            )
           )
          )
          (i32.and
           (local.get $7)
           (i32.const -4093)
          )
         )
         (then
          (i32.or
           (i32.eqz
            (call $fimport$2
             (local.get $7)
             (local.get $16)
             (i32.const 0)
             (i32.const 0)
            )
           )
           (i32.ne
            (i32.load offset=2048
             (i32.add
              (local.get $16)
              (i32.shl
               (i32.and
                (i32.shr_u
                 (local.get $7)
                 (i32.const 12)
                )
                (i32.const 255)
               )
               (i32.const 2)
              )
             )
            )
            (i32.and
             (local.get $7)
             (i32.const -4093)
            )
           )
          )
         )
         (else
          (i32.const 0)
         )
        )
        (then
         (local.set $4
          (call $fimport$0
           (i32.const 243)
           (i32.const -1937244160)
           (i32.const 4194304)
           (i32.const 4194308)
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
           (br $block3)
          )
         )
        )
        (else
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.load offset=11264
            (i32.add
             (local.get $16)
             (i32.shl
              (i32.and
               (i32.shr_u
                (local.get $7)
                (i32.const 12)
               )
               (i32.const 255)
              )
              (i32.const 2)
             )
            )
           )
          )
         )
         (i32.store offset=32
          (local.get $16)
          (i32.load
           (local.get $7)
          )
         )
        )
       )
       (local.set $7
        (i32.add
         (i32.load offset=16
          (local.get $16)
         )
         (i32.const 5)
        )
       )
       (if
        (if (result i32)
         (i32.ne
          (i32.load offset=2048
           (i32.add
            (local.get $16)
            (i32.shl
             (i32.and
              (i32.shr_u
               (local.get $7)
               (i32.const 12)
              )
              (i32.const 255)
             )
             (i32.const 2)
            )
           )
          )
          (i32.and
           (local.get $7)
           (i32.const -4096)
          )
         )
         (then
          (i32.or
           (i32.eqz
            (call $fimport$2
             (local.get $7)
             (local.get $16)
             (i32.const 0)
             (i32.const 0)
            )
           )
           (i32.ne
            (i32.load offset=2048
             (i32.add
              (local.get $16)
              (i32.shl
               (i32.and
                (i32.shr_u
                 (local.get $7)
                 (i32.const 12)
                )
                (i32.const 255)
               )
               (i32.const 2)
              )
             )
            )
            (i32.and
             (local.get $7)
             (i32.const -4096)
            )
           )
          )
         )
         (else
          (i32.const 0)
         )
        )
        (then
         (local.set $4
          (call $fimport$0
           (i32.const 244)
           (i32.const -1870069755)
           (i32.const 4194308)
           (i32.const 4194312)
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
             (i32.const 3)
            )
           )
           (br $block3)
          )
         )
        )
        (else
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.load offset=11264
            (i32.add
             (local.get $16)
             (i32.shl
              (i32.and
               (i32.shr_u
                (local.get $7)
                (i32.const 12)
               )
               (i32.const 255)
              )
              (i32.const 2)
             )
            )
           )
          )
         )
         (i32.store offset=36
          (local.get $16)
          (i32.load8_u
           (local.get $7)
          )
         )
        )
       )
       (local.set $7
        (i32.add
         (i32.load offset=20
          (local.get $16)
         )
         (i32.const 2)
        )
       )
       (if
        (if (result i32)
         (i32.ne
          (i32.load offset=3072
           (i32.add
            (local.get $16)
            (i32.shl
             (i32.and
              (i32.shr_u
               (local.get $7)
               (i32.const 12)
              )
              (i32.const 255)
             )
             (i32.const 2)
            )
           )
          )
          (i32.and
           (local.get $7)
           (i32.const -4095)
          )
         )
         (then
          (if (result i32)
           (i32.or
            (i32.eqz
             (call $fimport$2
              (local.get $7)
              (local.get $16)
              (i32.const 0)
              (i32.const 1)
             )
            )
            (i32.ne
             (i32.load offset=3072
              (i32.add
               (local.get $16)
               (i32.shl
                (i32.and
                 (i32.shr_u
                  (local.get $7)
                  (i32.const 12)
                 )
                 (i32.const 255)
                )
                (i32.const 2)
               )
              )
             )
             (i32.and
              (local.get $7)
              (i32.const -4095)
             )
            )
           )
           (then
            (i32.or
             (i32.or
              (i32.eqz
               (call $fimport$3
                (local.get $7)
               )
              )
              (i32.eqz
               (call $fimport$2
                (local.get $7)
                (local.get $16)
                (i32.const 0)
                (i32.const 1)
               )
              )
             )
             (i32.ne
              (i32.load offset=3072
               (i32.add
                (local.get $16)
                (i32.shl
                 (i32.and
                  (i32.shr_u
                   (local.get $7)
                   (i32.const 12)
                  )
                  (i32.const 255)
                 )
                 (i32.const 2)
                )
               )
              )
              (i32.and
               (local.get $7)
               (i32.const -4095)
              )
             )
            )
           )
           (else
            (i32.const 0)
           )
          )
         )
         (else
          (i32.const 0)
         )
        )
        (then
         (local.set $4
          (call $fimport$0
           (i32.const 248)
           (i32.const -1532493822)
           (i32.const 4194312)
           (i32.const 4194316)
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
             (i32.const 2)
            )
           )
           (br $block3)
          )
         )
        )
        (else
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.load offset=12288
            (i32.add
             (local.get $16)
             (i32.shl
              (i32.and
               (i32.shr_u
                (local.get $7)
                (i32.const 12)
               )
               (i32.const 255)
              )
              (i32.const 2)
             )
            )
           )
          )
         )
         (i32.store16
          (local.get $7)
          (i32.load offset=32
           (local.get $16)
          )
         )
        )
       )
       (local.set $6
        (i32.load offset=124
         (local.get $16)
        )
       )
       (i32.store offset=8
        (local.get $16)
        (i32.add
         (i32.load offset=36
          (local.get $16)
         )
         (i32.const 0)
        )
       )
       (local.set $0
        (local.get $6)
       )
       (br_if $block1
        (i32.and
         (local.get $0)
         (i32.const 3)
        )
       )
       (br $label)
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
        (i32.load offset=1572864
         (local.get $7)
        )
        (local.get $0)
       )
       (then
        (local.set $8
         (i32.load offset=1572868
          (local.get $7)
         )
        )
        (return_call $fimport$1
         (local.get $8)
         (local.get $0)
         (local.get $1)
        )
       )
      )
      (local.set $8
       (i32.load16_u offset=2097152
        (i32.shl
         (i32.shr_u
          (local.get $0)
          (i32.const 12)
         )
         (i32.const 1)
        )
       )
      )
      (if
       (i32.and
        (i32.and
         (i32.ne
          (i32.shr_u
           (local.get $0)
           (i32.const 12)
          )
          (i32.const 1024)
         )
         (i32.ne
          (local.get $8)
          (i32.const 0)
         )
        )
        (i32.eqz
         (i32.and
          (local.get $0)
          (i32.const 3)
         )
        )
       )
       (then
        (return_call $fimport$1
         (local.get $8)
         (local.get $0)
         (local.get $1)
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
      (br $block4)
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
   (local.get $16)
   (local.get $0)
  )
  (i32.store offset=148
   (local.get $16)
   (local.get $2)
  )
  (i32.store offset=152
   (local.get $16)
   (local.get $3)
  )
  (i32.store offset=156
   (local.get $16)
   (local.get $1)
  )
  (return
   (local.get $4)
  )
  (unreachable)
 )
)
